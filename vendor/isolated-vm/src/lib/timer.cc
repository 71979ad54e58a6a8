#include "timer.h"
#include <cassert>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>
#include <utility>
#include <unordered_set>
#include <vector>
#include <system_error>
#include <limits>

namespace ivm {

/**
 * Contains data on a timer. This is shared between the timer_t handle and the thread responsible
 * for the timer.
 */
struct timer_data_t {
	timer_data_t(
		std::chrono::steady_clock::time_point timeout,
		void** holder,
		timer_t::callback_t callback,
		const std::lock_guard<std::mutex>& /*lock*/
	) : callback{std::move(callback)}, holder{holder}, timeout{timeout} {
		if (holder != nullptr) {
			last_holder_value = std::exchange(*holder, static_cast<void*>(this));
		}
	}

	auto adjust() -> bool {
		if (paused_duration == std::chrono::steady_clock::duration{}) {
			return false;
		} else {
			timeout += paused_duration;
			paused_duration = {};
			return true;
		}
	}

	auto is_paused() const -> bool {
		return paused_at != std::chrono::steady_clock::time_point{};
	}

	void pause() {
		paused_at = std::chrono::steady_clock::now();
	}

	void resume() {
		paused_duration += std::chrono::steady_clock::now() - paused_at;
		paused_at = {};
	}

	struct cmp {
		auto operator()(const std::shared_ptr<timer_data_t>& left, const std::shared_ptr<timer_data_t>& right) const {
			return left->timeout > right->timeout;
		}
	};

	timer_t::callback_t callback;
	void** holder = nullptr;
	void* last_holder_value;
	std::chrono::steady_clock::time_point timeout;
	std::chrono::steady_clock::time_point paused_at{};
	std::chrono::steady_clock::duration paused_duration{};
	std::shared_ptr<timer_data_t> threadless_self;
	bool is_alive = true;
	bool is_running = false;
	bool is_dtor_waiting = false;
};

namespace {

/**
 * Stash these here in case statics are destroyed while the module is unloading but timers are still
 * active
 */
struct shared_state_t {
	std::unordered_set<struct timer_thread_t*> threads;
	std::condition_variable cv;
	std::mutex mutex;
};
auto global_shared_state = std::make_shared<shared_state_t>();

/**
 * Manager for a thread which handles 1 or many timers.
 */
struct timer_thread_t {
	explicit timer_thread_t(std::shared_ptr<timer_data_t> first_timer) :
			next_timeout{first_timer->timeout}, shared_state{global_shared_state} {
		queue.emplace(std::move(first_timer));
		std::thread thread{[this] { entry(); }};
		thread.detach();
	}

	void entry() {
		std::unique_lock<std::mutex> lock{shared_state->mutex, std::defer_lock};
		while (true) {
			std::this_thread::sleep_until(next_timeout);
			lock.lock();
			next_timeout = std::chrono::steady_clock::now();
			run_next(lock);
			if (queue.empty()) {
				auto ii = shared_state->threads.find(this);
				assert(ii != shared_state->threads.end());
				shared_state->threads.erase(ii);
				lock.unlock();
				delete this;
				return;
			}
			next_timeout = queue.top()->timeout;
			lock.unlock();
		}
	}

	void maybe_run_next(std::unique_lock<std::mutex>& lock) {
		if (!queue.empty() && queue.top()->timeout <= next_timeout) {
			run_next(lock);
		}
	}

	void run_next(std::unique_lock<std::mutex>& lock) {
		auto data = queue.top();
		queue.pop();
		{
			if (data->is_alive) {
				if (data->is_paused()) {
					data->threadless_self = std::move(data);
				} else if (data->adjust()) {
					start_or_join_timer(std::move(data), lock);
				} else {
					data->is_running = true;
					lock.unlock();
					data->callback(reinterpret_cast<void*>(this));
					lock.lock();
					data->is_running = false;
					if (data->is_dtor_waiting) {
						shared_state->cv.notify_all();
					}
					return;
				}
			} else {
				data.reset();
			}
		}
		maybe_run_next(lock);
	}

	// Requires lock
	template <template<class> class Lock>
	static void start_or_join_timer(std::shared_ptr<timer_data_t> data, const Lock<std::mutex>& /*lock*/) {
		// Try to find a thread to put this timer into
		for (const auto& thread : global_shared_state->threads) {
			if (thread->next_timeout < data->timeout) {
				thread->queue.push(std::move(data));
				return;
			}
		}

		// Time to spawn a new thread
		global_shared_state->threads.insert(new timer_thread_t(std::move(data)));
	}

	std::priority_queue<
		std::shared_ptr<timer_data_t>,
		std::deque<std::shared_ptr<timer_data_t>>,
		timer_data_t::cmp
	> queue;
	std::chrono::steady_clock::time_point next_timeout;
	std::shared_ptr<shared_state_t> shared_state;
};

} // anonymous namespace

/**
 * timer_t implementation
 */
timer_t::timer_t(uint32_t ms, void** holder, const callback_t& callback) {
	std::lock_guard<std::mutex> lock{global_shared_state->mutex};
	data = std::make_shared<timer_data_t>(
		std::chrono::steady_clock::now() + std::chrono::milliseconds{ms},
		holder, callback,
		lock
	);
	timer_thread_t::start_or_join_timer(data, lock);
}

timer_t::~timer_t() {
	std::unique_lock<std::mutex> lock{global_shared_state->mutex};
	if (data->is_running) {
		data->is_dtor_waiting = true;
		do {
			global_shared_state->cv.wait(lock);
		} while (data->is_running);
	}
	data->is_alive = false;
	if (data->holder != nullptr) {
		*data->holder = data->last_holder_value;
	}
}

void timer_t::chain(void* ptr) {
	auto& thread = *reinterpret_cast<timer_thread_t*>(ptr);
	std::unique_lock<std::mutex> lock{global_shared_state->mutex};
	thread.maybe_run_next(lock);
}

void timer_t::pause(void*& holder) {
	std::unique_lock<std::mutex> lock{global_shared_state->mutex};
	if (holder != nullptr) {
		auto& data = *static_cast<timer_data_t*>(holder);
		data.pause();
	}
}

void timer_t::resume(void*& holder) {
	std::unique_lock<std::mutex> lock{global_shared_state->mutex};
	if (holder != nullptr) {
		auto& data = *static_cast<timer_data_t*>(holder);
		data.resume();
		if (data.threadless_self) {
			timer_thread_t::start_or_join_timer(std::move(data.threadless_self), lock);
		}
	}
}

void timer_t::wait_detached(uint32_t ms, const callback_t& callback) {
	std::lock_guard<std::mutex> lock{global_shared_state->mutex};
	timer_thread_t::start_or_join_timer(std::make_shared<timer_data_t>(
		std::chrono::steady_clock::now() + std::chrono::milliseconds{ms},
		nullptr, callback, lock
	), lock);
}

/**
 * isogate patch: timeout_t, timeout_slot_t and their monitor thread (see timer.h).
 */
namespace {
	using steady_clock = std::chrono::steady_clock;
	constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
	// `wake` while the monitor scans: every arming wakes it again, so none is missed.
	constexpr int64_t kScanning = std::numeric_limits<int64_t>::min();

	auto ticks(steady_clock::time_point time) -> int64_t {
		return time.time_since_epoch().count();
	}
}

struct timeout_monitor_t {
	std::mutex mutex;
	std::condition_variable wake_cv;
	std::condition_variable done_cv;
	std::unordered_set<timeout_slot_t*> slots;
	// When the monitor wakes next (steady_clock ticks), kNever when nothing is armed.
	std::atomic<int64_t> wake{kNever};
	bool woken = false;
	bool started = false;

	// Never destroyed: slots of isolates disposed while the module unloads still unregister.
	static auto get() -> timeout_monitor_t& {
		static auto* monitor = new timeout_monitor_t;
		return *monitor;
	}

	// A slot's look moved earlier, to `at`: wake the monitor when it would sleep past it.
	void armed(int64_t at) {
		int64_t next = wake.load();
		if (next != kScanning && next <= at) {
			return;
		}
		std::lock_guard<std::mutex> lock{mutex};
		if (!started) {
			std::thread{[this] { run(); }}.detach();
			started = true;
		}
		woken = true;
		wake_cv.notify_one();
	}

	void run() {
		std::vector<timeout_t*> due;
		std::unique_lock<std::mutex> lock{mutex};
		while (true) {
			woken = false;
			wake.store(kScanning);
			auto now = steady_clock::now();
			int64_t next = kNever;
			for (auto* slot : slots) {
				int64_t at = slot->wake_at.load();
				if (at != 0 && at <= ticks(now)) {
					at = look(*slot, now, due);
				}
				if (at != 0 && at < next) {
					next = at;
				}
			}
			wake.store(next);
			for (auto* timeout : due) {
				start(timeout, lock);
			}
			due.clear();
			if (next == kNever) {
				wake_cv.wait(lock, [&] { return woken; });
			} else {
				wake_cv.wait_until(lock, steady_clock::time_point{steady_clock::duration{next}}, [&] { return woken; });
			}
		}
	}

	// Collects the slot's due timeouts (marked running, so they outlive this) and returns when to
	// look again, 0 for never.
	static auto look(timeout_slot_t& slot, steady_clock::time_point now, std::vector<timeout_t*>& due) -> int64_t {
		std::lock_guard<std::mutex> lock{slot.mutex};
		int64_t next = 0;
		for (auto* timeout = slot.innermost; timeout != nullptr; timeout = timeout->outer) {
			if (timeout->fired || timeout->is_paused()) {
				continue;
			} else if (timeout->deadline <= now) {
				timeout->fired = true;
				timeout->running = true;
				due.push_back(timeout);
			} else if (next == 0 || ticks(timeout->deadline) < next) {
				next = ticks(timeout->deadline);
			}
		}
		slot.wake_at.store(next);
		return next;
	}

	// Runs a due callback on a thread of its own (it may wait for the call to end); on this one if
	// no thread can be made.
	void start(timeout_t* timeout, std::unique_lock<std::mutex>& lock) {
		try {
			std::thread{[this, timeout] { fire(timeout); }}.detach();
		} catch (const std::system_error&) {
			lock.unlock();
			fire(timeout);
			lock.lock();
		}
	}

	void fire(timeout_t* timeout) {
		timeout->callback(timeout->context);
		std::lock_guard<std::mutex> lock{mutex};
		timeout->running = false;
		done_cv.notify_all();
	}
};

timeout_t::timeout_t(uint32_t ms, timeout_slot_t& slot, callback_t callback, void* context) :
		slot{slot}, callback{callback}, context{context},
		deadline{steady_clock::now() + std::chrono::milliseconds{ms}} {
	bool earlier = false;
	{
		std::lock_guard<std::mutex> lock{slot.mutex};
		outer = slot.innermost;
		slot.innermost = this;
		earlier = slot.look_at(deadline);
	}
	if (earlier) {
		timeout_monitor_t::get().armed(ticks(deadline));
	}
}

timeout_t::~timeout_t() {
	bool did_fire = false;
	{
		std::lock_guard<std::mutex> lock{slot.mutex};
		// Innermost in the common case; unlinked wherever it is, so the slot never holds a dead one.
		for (auto** link = &slot.innermost; *link != nullptr; link = &(*link)->outer) {
			if (*link == this) {
				*link = outer;
				break;
			}
		}
		did_fire = fired;
	}
	if (did_fire) {
		auto& monitor = timeout_monitor_t::get();
		std::unique_lock<std::mutex> lock{monitor.mutex};
		monitor.done_cv.wait(lock, [&] { return !running; });
	}
}

timeout_slot_t::timeout_slot_t() {
	auto& monitor = timeout_monitor_t::get();
	std::lock_guard<std::mutex> lock{monitor.mutex};
	monitor.slots.insert(this);
}

timeout_slot_t::~timeout_slot_t() {
	auto& monitor = timeout_monitor_t::get();
	std::lock_guard<std::mutex> lock{monitor.mutex};
	monitor.slots.erase(this);
}

auto timeout_slot_t::look_at(steady_clock::time_point at) -> bool {
	int64_t current = wake_at.load();
	if (current != 0 && current <= ticks(at)) {
		return false;
	}
	wake_at.store(ticks(at));
	return true;
}

void timeout_slot_t::pause() {
	std::lock_guard<std::mutex> lock{mutex};
	if (innermost != nullptr && !innermost->is_paused()) {
		innermost->paused_at = steady_clock::now();
	}
}

void timeout_slot_t::resume() {
	bool earlier = false;
	steady_clock::time_point deadline;
	{
		std::lock_guard<std::mutex> lock{mutex};
		if (innermost == nullptr || !innermost->is_paused()) {
			return;
		}
		innermost->deadline += steady_clock::now() - innermost->paused_at;
		innermost->paused_at = {};
		deadline = innermost->deadline;
		earlier = !innermost->fired && look_at(deadline);
	}
	if (earlier) {
		timeout_monitor_t::get().armed(ticks(deadline));
	}
}

} // namespace ivm
