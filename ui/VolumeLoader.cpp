#include "VolumeLoader.h"

#include <QPointer>
#include <QThreadPool>
#include <chrono>
#include <mutex>

#include "io/ImageSource.h"
#include "io/IoError.h"
#include "jobs/Progress.h"

namespace ctsw {

namespace {

// Forwards progress to the GUI thread, at most every 50 ms, so a fast loader does not flood the queue.
class QueuedProgress final : public ProgressSink {
public:
    QueuedProgress(VolumeLoader* target, double begin, double end) : target_(target), begin_(begin), end_(end) {}
    void report(double fraction, const std::string& message) override {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        if (fraction < 1.0 && now - last_ < std::chrono::milliseconds(50)) return;
        last_ = now;
        const double f = begin_ + (end_ - begin_) * fraction;
        const QString text = QString::fromStdString(message);
        QPointer<VolumeLoader> target = target_;
        QMetaObject::invokeMethod(target_, [target, f, text] { if (target) Q_EMIT target->progress(f, text); }, Qt::QueuedConnection);
    }

private:
    VolumeLoader* target_;
    double begin_, end_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace

VolumeLoader::VolumeLoader(QObject* parent) : QObject(parent) {}

VolumeLoader::~VolumeLoader() {
    cancel();
    wait();
}

void VolumeLoader::cancel() {
    if (cancel_) cancel_->cancel();
}

void VolumeLoader::wait() { QThreadPool::globalInstance()->waitForDone(); }

void VolumeLoader::start(const QString& path, const QString& seriesId) {
    cancel();
    cancel_ = std::make_shared<CancelToken>();
    running_ = true;
    const int generation = ++generation_;
    auto token = cancel_;
    QPointer<VolumeLoader> self(this);
    const std::string p = path.toStdString();
    const std::string series = seriesId.toStdString();
    QThreadPool::globalInstance()->start([self, token, generation, p, series] {
        // Deliver results only for the newest request; an older, cancelled one stays silent.
        auto deliver = [self, generation](auto fn) {
            QMetaObject::invokeMethod(self.data(), [self, generation, fn] {
                if (!self || generation != self->generation_) return;
                self->running_ = false;
                fn(self.data());
            }, Qt::QueuedConnection);
        };
        try {
            QueuedProgress listProgress(self.data(), 0.0, 0.3), readProgress(self.data(), 0.3, 1.0);
            auto listing = std::make_shared<SourceListing>(listSource(p, JobContext{&listProgress, token.get()}));
            LoadOptions options;
            options.series = series;
            auto volume = std::make_shared<LoadedVolume>(loadSeries(*listing, options, JobContext{&readProgress, token.get()}));
            deliver([volume, listing](VolumeLoader* l) { Q_EMIT l->loaded(volume, listing); });
        } catch (const Cancelled&) {
            deliver([](VolumeLoader* l) { Q_EMIT l->cancelled(); });
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(e.what());
            deliver([message](VolumeLoader* l) { Q_EMIT l->failed(message); });
        }
    });
}

}  // namespace ctsw
