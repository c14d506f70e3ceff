#pragma once
// Lists and loads a DICOM folder, NIfTI or 2D image on a worker thread. Only messages cross back to
// the GUI thread (queued): progress, then exactly one of loaded / failed / cancelled.
#include <QObject>
#include <QString>
#include <memory>

namespace ctsw {

struct LoadedVolume;
struct SourceListing;
class CancelToken;

class VolumeLoader : public QObject {
    Q_OBJECT
public:
    explicit VolumeLoader(QObject* parent = nullptr);
    ~VolumeLoader() override;

    // Starts loading; a load still running is cancelled first. seriesId empty = the best series.
    void start(const QString& path, const QString& seriesId = {});
    void cancel();
    bool isRunning() const { return running_; }
    // Blocks until the worker is done (tests, shutdown).
    void wait();

Q_SIGNALS:
    void progress(double fraction, const QString& message);
    void loaded(std::shared_ptr<ctsw::LoadedVolume> volume, std::shared_ptr<ctsw::SourceListing> listing);
    void failed(const QString& message);
    void cancelled();

private:
    std::shared_ptr<CancelToken> cancel_;
    bool running_ = false;
    int generation_ = 0;
};

}  // namespace ctsw
