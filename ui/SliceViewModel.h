#pragma once
// What the slice view shows, without any widget: the volume, the current slice, the window, and
// the rendered 8-bit image. Testable without a display.
#include <QImage>
#include <QObject>
#include <QPointF>
#include <QString>
#include <memory>

#include "image/Volume.h"
#include "image/WindowLevel.h"

namespace ctsw {

class SliceViewModel : public QObject {
    Q_OBJECT
public:
    explicit SliceViewModel(QObject* parent = nullptr);

    void setVolume(std::shared_ptr<const CtVolume> volume, bool valuesAreHu);
    std::shared_ptr<const CtVolume> volume() const { return volume_; }
    bool hasVolume() const { return volume_ && !volume_->empty(); }
    bool valuesAreHu() const { return valuesAreHu_; }

    int sliceCount() const { return hasVolume() ? volume_->depth() : 0; }
    int slice() const { return slice_; }
    void setSlice(int index);  // clamped to the volume
    void stepSlice(int delta) { setSlice(slice_ + delta); }

    WindowLevel window() const { return window_; }
    void setWindow(const WindowLevel& w);
    QString windowPresetName() const;  // "lung", ... or "custom"

    // The current slice windowed to 8 bit; cached until slice or window change.
    const QImage& image() const;
    // Physical size of one pixel (x, y) in mm, for an undistorted display.
    QPointF pixelSpacing() const;

    struct Probe {
        bool inside = false;
        int x = 0, y = 0;
        float value = 0;
        Vec3 positionMm{0, 0, 0};
    };
    // The voxel under image coordinates (pixels of image()).
    Probe probe(double imageX, double imageY) const;
    // Text for the status bar: "x 120 y 88 slice 14 | -845 HU | (12.3, -40.1, 192.0) mm".
    QString describe(const Probe& p) const;

    // The slice chosen for training (-1: none); the view marks it.
    int trainingSlice() const { return trainingSlice_; }
    void setTrainingSlice(int slice);

    // Patient directions at the edges of the displayed slice: left, right, top, bottom ("R", "L", "A", "P").
    QString orientationLabel(int edge) const;
    enum Edge { Left, Right, Top, Bottom };

Q_SIGNALS:
    void volumeChanged();
    void sliceChanged(int slice);
    void windowChanged();
    void imageChanged();
    void trainingSliceChanged(int slice);

private:
    std::shared_ptr<const CtVolume> volume_;
    bool valuesAreHu_ = true;
    int slice_ = 0;
    int trainingSlice_ = -1;
    WindowLevel window_;
    mutable QImage image_;
    mutable bool imageValid_ = false;
};

}  // namespace ctsw
