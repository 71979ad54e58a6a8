#include "external_copy.h"
#include "error.h"
#include "serializer.h"
#include "./string.h"

#include "isolate/allocator.h"
#include "isolate/environment.h"
#include "isolate/functor_runners.h"
#include "isolate/util.h"
#include "isolate/v8_version.h"

#include <algorithm>
#include <cstring>

using namespace v8;

namespace ivm {
namespace {

/**
 * This is used for Number (several C++ types), or Boolean.
 */
template <class Type>
struct ExternalCopyTemplateCtor {
	template <class Native>
	static auto New(Isolate* isolate, Native value) -> Local<Value> {
		return Type::New(isolate, value);
	}
};

template <>
struct ExternalCopyTemplateCtor<Uint32> {
	static auto New(Isolate* isolate, uint32_t value) -> Local<Value> {
		return Uint32::NewFromUnsigned(isolate, value);
	}
};

template <class Type, class Native>
class ExternalCopyTemplate : public ExternalCopy {
	public:
		explicit ExternalCopyTemplate(Local<Value> value) :
			ExternalCopy{sizeof(ExternalCopyTemplate)},
			value{value.As<Type>()->Value()} {}

		auto CopyInto(bool /*transfer_in*/ = false) -> Local<Value> final {
			return ExternalCopyTemplateCtor<Type>::New(Isolate::GetCurrent(), value);
		}

	private:
		const Native value;
};

/**
 * BigInt data
 */
struct ExternalCopyBigInt : public ExternalCopy {
	public:
		explicit ExternalCopyBigInt(Local<BigInt> value) {
			int word_count = value->WordCount();
			words.resize(word_count);
			value->ToWordsArray(&sign_bit, &word_count, words.data());
		}

		auto CopyInto(bool /*transfer_in*/ = false) -> Local<Value> final {
			return Unmaybe(BigInt::NewFromWords(
				Isolate::GetCurrent()->GetCurrentContext(), sign_bit, words.size(), words.data()));
		}

	private:
		int sign_bit = 0;
		std::vector<uint64_t> words;
};

/**
 * null and undefined
 */
class ExternalCopyNull : public ExternalCopy {
	public:
		auto CopyInto(bool /*transfer_in*/ = false) -> Local<Value> final {
			return Null(Isolate::GetCurrent());
		}
};

class ExternalCopyUndefined : public ExternalCopy {
	public:
		auto CopyInto(bool /*transfer_in*/ = false) -> v8::Local<v8::Value> final {
			return Undefined(Isolate::GetCurrent());
		}
};

// Global size counter
std::atomic<size_t> total_allocated_size {0};

} // anonymous namespace

/**
 * ExternalCopy implementation
 */
ExternalCopy::ExternalCopy(int size) : size{size} {
	total_allocated_size += size;
}

ExternalCopy::ExternalCopy(ExternalCopy&& that) noexcept : size{std::exchange(that.size, 0)} {}

ExternalCopy::~ExternalCopy() {
	total_allocated_size -= size;
}

auto ExternalCopy::operator= (ExternalCopy&& that) noexcept -> ExternalCopy& {
	size = std::exchange(that.size, 0);
	return *this;
}

auto ExternalCopy::Copy(Local<Value> value, bool transfer_out, ArrayRange transfer_list)
-> std::unique_ptr<ExternalCopy> {
	std::unique_ptr<ExternalCopy> copy = CopyIfPrimitive(value);
	if (copy) {
		return copy;
	} else if (value->IsArrayBuffer()) {
		Local<ArrayBuffer> array_buffer = Local<ArrayBuffer>::Cast(value);
		if (!transfer_out) {
			transfer_out = std::find(transfer_list.begin(), transfer_list.end(), array_buffer) != transfer_list.end();
		}
		if (transfer_out) {
			return ExternalCopyArrayBuffer::Transfer(array_buffer);
		} else {
			return std::make_unique<ExternalCopyArrayBuffer>(array_buffer);
		}
	} else if (value->IsSharedArrayBuffer()) {
		return std::make_unique<ExternalCopySharedArrayBuffer>(value.As<SharedArrayBuffer>());
	} else if (value->IsArrayBufferView()) {
		Local<ArrayBufferView> view = value.As<ArrayBufferView>();
		using ViewType = ExternalCopyArrayBufferView::ViewType;
		ViewType type;
		if (view->IsUint8Array()) {
			type = ViewType::Uint8;
		} else if (view->IsUint8ClampedArray()) {
			type = ViewType::Uint8Clamped;
		} else if (view->IsInt8Array()) {
			type = ViewType::Int8;
		} else if (view->IsUint16Array()) {
			type = ViewType::Uint16;
		} else if (view->IsInt16Array()) {
			type = ViewType::Int16;
		} else if (view->IsUint32Array()) {
			type = ViewType::Uint32;
		} else if (view->IsInt32Array()) {
			type = ViewType::Int32;
		} else if (view->IsFloat32Array()) {
			type = ViewType::Float32;
		} else if (view->IsFloat64Array()) {
			type = ViewType::Float64;
		} else if (view->IsBigInt64Array()) {
			type = ViewType::BigInt64;
		} else if (view->IsBigUint64Array()) {
			type = ViewType::BigUint64;
		} else if (view->IsDataView()) {
			type = ViewType::DataView;
		} else {
			assert(false);
		}

		// Sometimes TypedArrays don't actually have a real buffer allocated for them. The call to
		// `Buffer()` below will force v8 to attempt to create a buffer if it doesn't exist, and if
		// there is an allocation failure it will crash the process.
		if (!view->HasBuffer()) {
			auto* allocator = IsolateEnvironment::GetCurrent().GetLimitedAllocator();
			if (allocator != nullptr && !allocator->Check(view->ByteLength())) {
				throw RuntimeRangeError("Array buffer allocation failed");
			}
		}

		// `Buffer()` returns a Local<ArrayBuffer> but it may be a Local<SharedArrayBuffer>
		Local<Object> tmp = view->Buffer();
		if (tmp->IsArrayBuffer()) {
			Local<ArrayBuffer> array_buffer = tmp.As<ArrayBuffer>();
			if (!transfer_out) {
				transfer_out = std::find(transfer_list.begin(), transfer_list.end(), array_buffer) != transfer_list.end();
			}
			// Grab byte_offset and byte_length before the transfer because "neutering" the array buffer will null these out
			size_t byte_offset = view->ByteOffset();
			size_t byte_length = view->ByteLength();
			std::unique_ptr<ExternalCopyArrayBuffer> external_buffer;
			if (transfer_out) {
				external_buffer = ExternalCopyArrayBuffer::Transfer(array_buffer);
			} else {
				external_buffer = std::make_unique<ExternalCopyArrayBuffer>(array_buffer);
			}
			return std::make_unique<ExternalCopyArrayBufferView>(std::move(external_buffer), type, byte_offset, byte_length);
		} else {
			assert(tmp->IsSharedArrayBuffer());
			Local<SharedArrayBuffer> array_buffer = tmp.As<SharedArrayBuffer>();
			return std::make_unique<ExternalCopyArrayBufferView>(std::make_unique<ExternalCopySharedArrayBuffer>(array_buffer), type, view->ByteOffset(), view->ByteLength());
		}
	} else if (value->IsObject()) {
		return std::make_unique<ExternalCopySerialized>(value.As<Object>(), transfer_list);
	} else {
		throw RuntimeTypeError("Unsupported type");
	}
}

namespace {
	auto CopyIfPrimitiveImpl(Local<Value> value) -> std::unique_ptr<ExternalCopy> {
		if (value->IsString()) {
			return std::make_unique<ExternalCopyString>(value.As<String>());
		} else if (value->IsNumber()) {
			if (value->IsUint32()) {
				return std::make_unique<ExternalCopyTemplate<Uint32, uint32_t>>(value);
			} else if (value->IsInt32()) {
				return std::make_unique<ExternalCopyTemplate<Int32, int32_t>>(value);
			} else {
				// This handles Infinity, -Infinity, NaN
				return std::make_unique<ExternalCopyTemplate<Number, double>>(value);
			}
		} else if (value->IsBigInt()) {
			return std::make_unique<ExternalCopyBigInt>(value.As<BigInt>());
		} else if (value->IsBoolean()) {
			return std::make_unique<ExternalCopyTemplate<Boolean, bool>>(value);
		} else if (value->IsNull()) {
			return std::make_unique<ExternalCopyNull>();
		} else if (value->IsUndefined()) {
			return std::make_unique<ExternalCopyUndefined>();
		}
		return {};
	}
}

auto ExternalCopy::CopyIfPrimitive(Local<Value> value) -> std::unique_ptr<ExternalCopy> {
	if (!value->IsObject()) {
		return CopyIfPrimitiveImpl(value);
	}
	return {};
}

namespace {
	/**
	 * isogate patch: a value thrown or rejected inside a non-default isolate is copied out after the
	 * call's timeout is disarmed (TaskEpilogue's unhandled rejections, a throw escaping a call), so
	 * the copy must not run any code of that isolate: no getter, `toString`, proxy trap or
	 * `Error.prepareStackTrace` (stack formatting reads `name` and `message` through getters). It
	 * copies primitives and bounded strings only, and of an object only what V8 can tell without
	 * running code: the constructor name, an own *data* `message`, and where the error was created
	 * (v8::Exception::CreateMessage reads internal fields only). Anything else becomes a fixed error.
	 */
	constexpr int kMaxThrownChars = 8192;
	constexpr int kMaxThrownBigIntWords = 64;
	constexpr int kMaxConstructorNameChars = 64;

	auto FixedError(const char* message) -> std::unique_ptr<ExternalCopy> {
		return std::make_unique<ExternalCopyError>(ExternalCopyError::ErrorType::Error, message);
	}

	auto Concat(Isolate* isolate, Local<String> left, const char* right) -> Local<String> {
		return String::Concat(isolate, left, v8_string(right));
	}

	/** `message` when it is an own data property holding a string of bounded length, else empty. */
	auto OwnDataMessage(Local<Context> context, Local<Object> object, bool& too_long) -> MaybeLocal<String> {
		Local<Value> descriptor;
		if (!object->GetOwnPropertyDescriptor(context, v8_string("message")).ToLocal(&descriptor) || !descriptor->IsObject()) {
			return {};
		}
		// The descriptor is a fresh ordinary object: its own `value` is read directly, and nothing is
		// looked up on Object.prototype (where plugin code could have put a getter) when it has none.
		Local<Object> fields = descriptor.As<Object>();
		Local<String> key = v8_string("value");
		if (!fields->HasOwnProperty(context, key).FromMaybe(false)) {
			return {};
		}
		Local<Value> message;
		if (!fields->Get(context, key).ToLocal(&message) || !message->IsString()) {
			return {};
		}
		if (message.As<String>()->Length() > kMaxThrownChars) {
			too_long = true;
			return {};
		}
		return message.As<String>();
	}

	/** `<header>\n    at <script>:<line>:<column>`, where V8 recorded the error's creation. */
	auto CreationStack(Isolate* isolate, Local<Context> context, Local<Value> error, Local<String> header) -> Local<String> {
		Local<Message> message = Exception::CreateMessage(isolate, error);
		Local<Value> resource = message->GetScriptResourceName();
		int line = message->GetLineNumber(context).FromMaybe(0);
		if (!resource->IsString() || resource.As<String>()->Length() > 256 || line <= 0) {
			return header;
		}
		std::string position = ":" + std::to_string(line) + ":" + std::to_string(message->GetStartColumn() + 1);
		return Concat(isolate, String::Concat(isolate, Concat(isolate, header, "\n    at "), resource.As<String>()), position.c_str());
	}

	auto CopyThrownValueWithoutCode(Local<Value> value) -> std::unique_ptr<ExternalCopy> {
		Isolate* isolate = Isolate::GetCurrent();
		if (value->IsString()) {
			if (value.As<String>()->Length() > kMaxThrownChars) {
				return FixedError("A string longer than 8192 characters was thrown from supplied code within isolated-vm.");
			}
			return std::make_unique<ExternalCopyString>(value.As<String>());
		}
		if (value->IsBigInt() && value.As<BigInt>()->WordCount() > kMaxThrownBigIntWords) {
			return FixedError("A BigInt too large to copy was thrown from supplied code within isolated-vm.");
		}
		if (!value->IsObject()) {
			auto primitive_value = CopyIfPrimitiveImpl(value);
			if (primitive_value) {
				return primitive_value;
			}
			return FixedError("A value that cannot be copied was thrown from supplied code within isolated-vm.");
		}
		if (value->IsProxy() || !value->IsNativeError()) {
			return FixedError("An object was thrown from supplied code within isolated-vm, but that object was not an instance of `Error`.");
		}
		Local<Object> object = value.As<Object>();
		Local<Context> context = isolate->GetCurrentContext();
		TryCatch try_catch{isolate};
		// GetConstructorName looks at the map and at data properties only (no accessor, no trap).
		Local<String> name = object->GetConstructorName();
		if (name->Length() == 0 || name->Length() > kMaxConstructorNameChars) {
			name = v8_string("Error");
		}
		std::string name_text = *String::Utf8Value{isolate, name};
		auto error_type = ExternalCopyError::ErrorType::CustomError;
		if (name_text == "Error") {
			error_type = ExternalCopyError::ErrorType::Error;
		} else if (name_text == "RangeError") {
			error_type = ExternalCopyError::ErrorType::RangeError;
		} else if (name_text == "ReferenceError") {
			error_type = ExternalCopyError::ErrorType::ReferenceError;
		} else if (name_text == "SyntaxError") {
			error_type = ExternalCopyError::ErrorType::SyntaxError;
		} else if (name_text == "TypeError") {
			error_type = ExternalCopyError::ErrorType::TypeError;
		}
		bool too_long = false;
		Local<String> message;
		if (!OwnDataMessage(context, object, too_long).ToLocal(&message)) {
			message = v8_string(too_long ? "[a message longer than 8192 characters]" : "");
		}
		Local<String> header = message->Length() == 0 ? name : String::Concat(isolate, Concat(isolate, name, ": "), message);
		Local<String> stack = CreationStack(isolate, context, value, header);
		try_catch.Reset();
		ExternalCopyString name_copy;
		if (error_type == ExternalCopyError::ErrorType::CustomError) {
			name_copy = ExternalCopyString{name};
		}
		return std::make_unique<ExternalCopyError>(error_type, std::move(name_copy), ExternalCopyString{message}, ExternalCopyString{stack});
	}
}

auto ExternalCopy::CopyThrownValue(Local<Value> value) -> std::unique_ptr<ExternalCopy> {
	if (!IsolateEnvironment::GetCurrent().IsDefault()) {
		return CopyThrownValueWithoutCode(value);
	}
	if (value->IsObject()) {

		// Detect which subclass of Error was thrown (no better way to do this??)
		Isolate* isolate = Isolate::GetCurrent();
		Local<Object> object = Local<Object>::Cast(value);
		std::string name = *String::Utf8Value{isolate, object->GetConstructorName()};
		auto error_type = ExternalCopyError::ErrorType::CustomError;
		if (name == "Error") {
			error_type = ExternalCopyError::ErrorType::Error;
		} else if (name == "RangeError") {
			error_type = ExternalCopyError::ErrorType::RangeError;
		} else if (name == "ReferenceError") {
			error_type = ExternalCopyError::ErrorType::ReferenceError;
		} else if (name == "SyntaxError") {
			error_type = ExternalCopyError::ErrorType::SyntaxError;
		} else if (name == "TypeError") {
			error_type = ExternalCopyError::ErrorType::TypeError;
		}

		// Get error properties
		Local<Context> context = isolate->GetCurrentContext();
		TryCatch try_catch{isolate};
		auto get_property = [&](Local<Object> object, const char* key) {
			try {
				Local<Value> value = Unmaybe(object->Get(context, v8_string(key)));
				if (!value->IsUndefined()) {
					return ExternalCopyString{Unmaybe(value->ToString(context))};
				}
			} catch (const RuntimeError& cc_err) {
				try_catch.Reset();
			}
			return ExternalCopyString{};
		};
		ExternalCopyString message_copy = get_property(object, "message");
		ExternalCopyString stack_copy = get_property(object, "stack");

		// Return external error copy if this looked like an error
		if (error_type != ExternalCopyError::ErrorType::CustomError || message_copy || stack_copy) {
			ExternalCopyString name_copy;
			if (!message_copy) {
				message_copy = ExternalCopyString{""};
			}
			if (error_type == ExternalCopyError::ErrorType::CustomError) {
				name_copy = get_property(object, "name");
			}
			return std::make_unique<ExternalCopyError>(error_type, std::move(name_copy), std::move(message_copy), std::move(stack_copy));
		}
	}
	auto primitive_value = CopyIfPrimitiveImpl(value);
	if (primitive_value) {
		return primitive_value;
	}
	return std::make_unique<ExternalCopyError>(
		ExternalCopyError::ErrorType::Error,
		"An object was thrown from supplied code within isolated-vm, but that object was not an instance of `Error`."
	);
}

auto ExternalCopy::CopyIntoCheckHeap(bool transfer_in) -> Local<Value> {
	IsolateEnvironment::HeapCheck heap_check{IsolateEnvironment::GetCurrent()};
	auto value = CopyInto(transfer_in);
	heap_check.Epilogue();
	return value;
}

auto ExternalCopy::TotalExternalSize() -> int {
	return total_allocated_size;
}

void ExternalCopy::UpdateSize(int size) {
	total_allocated_size -= this->size - size;
	this->size = size;
}

/**
 * ExternalCopyError implementation
 */
ExternalCopyError::ExternalCopyError(
	ErrorType error_type,
	ExternalCopyString name,
	ExternalCopyString message,
	ExternalCopyString stack
) :
	error_type{error_type},
	name{std::move(name)},
	message{std::move(message)},
	stack{std::move(stack)} {}

ExternalCopyError::ExternalCopyError(ErrorType error_type, const char* message, const std::string& stack) :
	ExternalCopy{sizeof(ExternalCopyError)},
	error_type{error_type},
	message{ExternalCopyString{message}},
	stack{stack.empty() ? ExternalCopyString{} : ExternalCopyString{stack}} {}

auto ExternalCopyError::CopyInto(bool /*transfer_in*/) -> Local<Value> {

	// First make the exception w/ correct + message
	Local<Context> context = Isolate::GetCurrent()->GetCurrentContext();
	Local<String> message = Local<String>::Cast(this->message.CopyInto(false));
	Local<Value> handle;
	switch (error_type) {
		default:
			handle = Exception::Error(message);
			if (name) {
				Unmaybe(handle.As<Object>()->DefineOwnProperty(context, StringTable::Get().name, name.CopyInto(), PropertyAttribute::DontEnum));
			}
			break;
		case ErrorType::RangeError:
			handle = Exception::RangeError(message);
			break;
		case ErrorType::ReferenceError:
			handle = Exception::ReferenceError(message);
			break;
		case ErrorType::SyntaxError:
			handle = Exception::SyntaxError(message);
			break;
		case ErrorType::TypeError:
			handle = Exception::TypeError(message);
			break;
	}

	// Now add stack information
	if (this->stack) {
		Local<String> stack = Local<String>::Cast(this->stack.CopyInto(false));
		Unmaybe(Local<Object>::Cast(handle)->Set(context, StringTable::Get().stack, stack));
	}
	return handle;
}

/**
 * ExternalCopyAnyBuffer implementation
 */
namespace {
	void Detach(Local<ArrayBuffer> handle) {
		handle->Detach();
	}
	auto IsDetachable(Local<ArrayBuffer> handle) {
		return handle->IsDetachable();
	}
} // anonymous namespace



/**
 * ExternalCopyArrayBuffer implementation
 */
ExternalCopyArrayBuffer::ExternalCopyArrayBuffer(const void* data, size_t length) :
		ExternalCopyAnyBuffer{ArrayBuffer::NewBackingStore(
			std::malloc(length), length,
			[](void* data, size_t /*length*/, void* /*param*/) { std::free(data); },
			nullptr)}
{
	std::memcpy((*backing_store.read())->Data(), data, length);
}

ExternalCopyArrayBuffer::ExternalCopyArrayBuffer(Local<ArrayBuffer> handle) :
	ExternalCopyArrayBuffer{
		handle->GetBackingStore()->Data(),
		handle->ByteLength()
	} {}

auto ExternalCopyArrayBuffer::Transfer(Local<ArrayBuffer> handle) -> std::unique_ptr<ExternalCopyArrayBuffer> {
	if (!IsDetachable(handle)) {
		throw RuntimeGenericError("Array buffer is invalid");
	}
	auto backing_store = handle->GetBackingStore();
	Detach(handle);
	return std::make_unique<ExternalCopyArrayBuffer>(std::move(backing_store));
}

auto ExternalCopyArrayBuffer::CopyInto(bool transfer_in) -> Local<Value> {
	if (transfer_in) {
		auto backing_store = std::exchange(*this->backing_store.write(), {});
		if (!backing_store) {
			throw RuntimeGenericError("Array buffer is invalid");
		}
		UpdateSize(0);
		size_t size = backing_store->ByteLength();
		auto handle = ArrayBuffer::New(Isolate::GetCurrent(), std::move(backing_store));
		auto* allocator = IsolateEnvironment::GetCurrent().GetLimitedAllocator();
		if (allocator != nullptr) {
			allocator->Track(handle, size);
		}
		return handle;
	} else {
		auto* allocator = IsolateEnvironment::GetCurrent().GetLimitedAllocator();
		auto backing_store = *this->backing_store.read();
		if (!backing_store) {
			throw RuntimeGenericError("Array buffer is invalid");
		}
		auto size = backing_store->ByteLength();
		if (allocator != nullptr && !allocator->Check(size)) {
			// ArrayBuffer::New will crash the process if there is an allocation failure, so we check
			// here.
			throw RuntimeRangeError("Array buffer allocation failed");
		}
		auto handle = ArrayBuffer::New(Isolate::GetCurrent(), size);
		auto* data = handle->GetBackingStore()->Data();
		std::memcpy(data, backing_store->Data(), size);
		return handle;
	}
}

/**
 * ExternalCopySharedArrayBuffer implementation
 */
ExternalCopySharedArrayBuffer::ExternalCopySharedArrayBuffer(Local<SharedArrayBuffer> handle) :
	ExternalCopyAnyBuffer{handle->GetBackingStore()} {}

auto ExternalCopySharedArrayBuffer::CopyInto(bool /*transfer_in*/) -> Local<Value> {
	auto backing_store = *this->backing_store.read();
	size_t size = backing_store->ByteLength();
	auto handle = SharedArrayBuffer::New(Isolate::GetCurrent(), std::move(backing_store));
	auto* allocator = IsolateEnvironment::GetCurrent().GetLimitedAllocator();
	if (allocator != nullptr) {
		allocator->Track(handle, size);
	}
	return handle;
}

/**
 * ExternalCopyArrayBufferView implementation
 */
ExternalCopyArrayBufferView::ExternalCopyArrayBufferView(
	std::unique_ptr<ExternalCopyAnyBuffer> buffer,
	ViewType type, size_t byte_offset, size_t byte_length
) :
	ExternalCopy(sizeof(ExternalCopyArrayBufferView)),
	buffer(std::move(buffer)),
	type(type),
	byte_offset(byte_offset), byte_length(byte_length) {}

template <typename T>
auto NewTypedArrayView(Local<T> buffer, ExternalCopyArrayBufferView::ViewType type, size_t byte_offset, size_t byte_length) -> Local<Value> {
	switch (type) {
		case ExternalCopyArrayBufferView::ViewType::Uint8:
			return Uint8Array::New(buffer, byte_offset, byte_length >> 0);
		case ExternalCopyArrayBufferView::ViewType::Uint8Clamped:
			return Uint8ClampedArray::New(buffer, byte_offset, byte_length >> 0);
		case ExternalCopyArrayBufferView::ViewType::Int8:
			return Int8Array::New(buffer, byte_offset, byte_length >> 0);
		case ExternalCopyArrayBufferView::ViewType::Uint16:
			return Uint16Array::New(buffer, byte_offset, byte_length >> 1);
		case ExternalCopyArrayBufferView::ViewType::Int16:
			return Int16Array::New(buffer, byte_offset, byte_length >> 1);
		case ExternalCopyArrayBufferView::ViewType::Uint32:
			return Uint32Array::New(buffer, byte_offset, byte_length >> 2);
		case ExternalCopyArrayBufferView::ViewType::Int32:
			return Int32Array::New(buffer, byte_offset, byte_length >> 2);
		case ExternalCopyArrayBufferView::ViewType::Float32:
			return Float32Array::New(buffer, byte_offset, byte_length >> 2);
		case ExternalCopyArrayBufferView::ViewType::Float64:
			return Float64Array::New(buffer, byte_offset, byte_length >> 3);
		case ExternalCopyArrayBufferView::ViewType::BigInt64:
			return BigInt64Array::New(buffer, byte_offset, byte_length >> 3);
		case ExternalCopyArrayBufferView::ViewType::BigUint64:
			return BigUint64Array::New(buffer, byte_offset, byte_length >> 3);
		case ExternalCopyArrayBufferView::ViewType::DataView:
			return DataView::New(buffer, byte_offset, byte_length);
		default:
			throw std::exception();
	}
}

auto ExternalCopyArrayBufferView::CopyInto(bool transfer_in) -> Local<Value> {
	Local<Value> buffer = this->buffer->CopyInto(transfer_in);
	if (buffer->IsArrayBuffer()) {
		return NewTypedArrayView(buffer.As<ArrayBuffer>(), type, byte_offset, byte_length);
	} else {
		return NewTypedArrayView(buffer.As<SharedArrayBuffer>(), type, byte_offset, byte_length);
	}
}

} // namespace ivm
