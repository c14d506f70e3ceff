#pragma once
// Progress and cancellation for long work, shared by every core library and free of Qt, so the same
// loader or trainer reports to the CLI, to a Qt worker, or to nothing.
#include <atomic>
#include <stdexcept>
#include <string>

namespace ctsw {

// Thrown by work that noticed a cancel request; callers treat it as "stopped by the user", not a failure.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

class CancelToken {
public:
    void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return cancelled_.load(std::memory_order_relaxed); }
    void throwIfCancelled() const { if (isCancelled()) throw Cancelled(); }

private:
    std::atomic<bool> cancelled_{false};
};

class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    // fraction in [0, 1]; message says what is happening now. May be called from worker threads.
    virtual void report(double fraction, const std::string& message) = 0;
};

// Reports nothing; the default when a caller does not care.
class NullProgress final : public ProgressSink {
public:
    void report(double, const std::string&) override {}
};

// Maps a sub-task's [0, 1] onto [begin, end] of a parent's progress.
class SubProgress final : public ProgressSink {
public:
    SubProgress(ProgressSink& parent, double begin, double end) : parent_(parent), begin_(begin), end_(end) {}
    void report(double fraction, const std::string& message) override {
        parent_.report(begin_ + (end_ - begin_) * fraction, message);
    }

private:
    ProgressSink& parent_;
    double begin_, end_;
};

// What long operations take: where to report and what to check.
struct JobContext {
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;

    void report(double fraction, const std::string& message) const {
        if (progress) progress->report(fraction, message);
    }
    void checkCancelled() const {
        if (cancel) cancel->throwIfCancelled();
    }
};

}  // namespace ctsw
