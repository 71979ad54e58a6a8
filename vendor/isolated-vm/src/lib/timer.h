#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <functional>

namespace ivm {

/**
 * isolated-vm could start timers from different threads which libuv isn't really cut out for, so
 * I'm rolling my own here. The goal of the library is to have atomic timers without spawning a new
 * thread for each timer.
 */
struct timer_data_t;
class timer_t {
	public:
		using callback_t = std::function<void(void*)>;

		// Runs a callback unless the `timer_t` destructor is called.
		timer_t(uint32_t ms, void** holder, const callback_t& callback);
		timer_t(uint32_t ms, const callback_t& callback) : timer_t{ms, nullptr, callback} {}
		timer_t(const timer_t&) = delete;
		~timer_t();
		auto operator= (const timer_t&) = delete;

		// Runs a callback in `ms` with no `timer_t` object.
		static void wait_detached(uint32_t ms, const callback_t& callback);
		// Invoked from callbacks when they are done scheduling and may need to wait
		static void chain(void* ptr);
		// Pause/unpause timer callbacks
		static void pause(void*& holder);
		static void resume(void*& holder);

	private:
		std::shared_ptr<timer_data_t> data;
};

/**
 * isogate patch: the timeouts of `RunWithTimeout`, one re-armed timer per isolate.
 *
 * Upstream built a `timer_t` for every call with a timeout (global mutex, heap entries, a
 * `std::function`), and a timer thread woke at every deadline, also for calls that had returned
 * long before. Here a call's timeout is a `timeout_t` on the caller's stack, linked into its
 * isolate's `timeout_slot_t` under that isolate's own mutex (uncontended: no allocation, no global
 * lock, no wake-up). The slot keeps the time at which the monitor, one thread per process, should
 * look at it; arming moves it only earlier, and wakes the monitor only when it is earlier than the
 * monitor's own next wake-up. A call that returns leaves that time alone: the monitor, arriving
 * there, finds the next call's later deadline (or none) and sleeps again. A due timeout's callback
 * runs on a thread of its own, as upstream's timer thread ran it (it waits for the call to end), so
 * one stuck call never delays another isolate's timeout.
 */
class timeout_slot_t;

class timeout_t {
	public:
		using callback_t = void (*)(void* context);

		// Arms `callback(context)` to run `ms` from now unless this object is destroyed first.
		timeout_t(uint32_t ms, timeout_slot_t& slot, callback_t callback, void* context);
		timeout_t(const timeout_t&) = delete;
		// Disarms; if the callback started, waits for it to return (as upstream's `~timer_t`).
		~timeout_t();
		auto operator= (const timeout_t&) = delete;

	private:
		friend class timeout_slot_t;
		friend struct timeout_monitor_t;
		auto is_paused() const -> bool { return paused_at != std::chrono::steady_clock::time_point{}; }

		timeout_slot_t& slot;
		callback_t callback;
		void* context;
		std::chrono::steady_clock::time_point deadline;
		std::chrono::steady_clock::time_point paused_at{};
		timeout_t* outer = nullptr;
		bool fired = false;
		bool running = false;
};

// One per isolate: its armed timeouts, innermost first (what upstream's `timer_holder` pointed at).
class timeout_slot_t {
	public:
		timeout_slot_t();
		timeout_slot_t(const timeout_slot_t&) = delete;
		~timeout_slot_t();
		auto operator= (const timeout_slot_t&) = delete;

		// Pause/unpause the innermost timeout: time spent paused is added to its deadline.
		void pause();
		void resume();

	private:
		friend class timeout_t;
		friend struct timeout_monitor_t;
		// Requires `mutex`. Moves the monitor's look at this slot to `at` if that is earlier.
		auto look_at(std::chrono::steady_clock::time_point at) -> bool;

		std::mutex mutex;
		timeout_t* innermost = nullptr;
		// steady_clock ticks when the monitor should look here; 0: nothing armed.
		std::atomic<int64_t> wake_at{0};
};

} // namespace ivm
