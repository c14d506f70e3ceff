#include "SliceViewModel.h"

#include <algorithm>
#include <cmath>

namespace ctsw {

SliceViewModel::SliceViewModel(QObject* parent) : QObject(parent), window_(windowByName("lung")) {}

void SliceViewModel::setVolume(std::shared_ptr<const CtVolume> volume, bool valuesAreHu) {
    volume_ = std::move(volume);
    valuesAreHu_ = valuesAreHu;
    // 8-bit images (already windowed) are shown as they are; CT starts in the lung window.
    window_ = valuesAreHu ? windowByName("lung") : WindowLevel{255.0, 127.5};
    slice_ = hasVolume() ? volume_->depth() / 2 : 0;
    trainingSlice_ = -1;
    imageValid_ = false;
    Q_EMIT volumeChanged();
    Q_EMIT windowChanged();
    Q_EMIT sliceChanged(slice_);
    Q_EMIT imageChanged();
}

void SliceViewModel::setSlice(int index) {
    if (!hasVolume()) return;
    index = std::clamp(index, 0, volume_->depth() - 1);
    if (index == slice_) return;
    slice_ = index;
    imageValid_ = false;
    Q_EMIT sliceChanged(slice_);
    Q_EMIT imageChanged();
}

void SliceViewModel::setTrainingSlice(int slice) {
    if (slice == trainingSlice_) return;
    trainingSlice_ = slice;
    Q_EMIT trainingSliceChanged(slice);
    Q_EMIT imageChanged();
}

void SliceViewModel::setWindow(const WindowLevel& w) {
    if (w.width <= 0) return;
    if (w.width == window_.width && w.level == window_.level) return;
    window_ = w;
    imageValid_ = false;
    Q_EMIT windowChanged();
    Q_EMIT imageChanged();
}

QString SliceViewModel::windowPresetName() const {
    for (const auto& p : windowPresets())
        if (p.window.width == window_.width && p.window.level == window_.level) return QString::fromStdString(p.name);
    return QStringLiteral("custom");
}

const QImage& SliceViewModel::image() const {
    if (imageValid_) return image_;
    if (!hasVolume()) {
        image_ = QImage();
    } else {
        const int w = volume_->width(), h = volume_->height();
        image_ = QImage(w, h, QImage::Format_Grayscale8);
        const float* src = volume_->slicePointer(slice_);
        for (int y = 0; y < h; ++y) windowToBytes(src + static_cast<std::size_t>(y) * w, static_cast<std::size_t>(w), window_, image_.scanLine(y));
    }
    imageValid_ = true;
    return image_;
}

QPointF SliceViewModel::pixelSpacing() const {
    if (!hasVolume()) return {1.0, 1.0};
    return {volume_->geometry().spacing[0], volume_->geometry().spacing[1]};
}

SliceViewModel::Probe SliceViewModel::probe(double imageX, double imageY) const {
    Probe p;
    if (!hasVolume()) return p;
    p.x = static_cast<int>(std::floor(imageX));
    p.y = static_cast<int>(std::floor(imageY));
    p.inside = p.x >= 0 && p.y >= 0 && p.x < volume_->width() && p.y < volume_->height();
    if (!p.inside) return p;
    p.value = volume_->at(p.x, p.y, slice_);
    p.positionMm = volume_->geometry().indexToPhysical(p.x, p.y, slice_);
    return p;
}

QString SliceViewModel::describe(const Probe& p) const {
    if (!p.inside) return {};
    return tr("x %1  y %2  slice %3  |  %4 %5  |  (%6, %7, %8) mm")
        .arg(p.x)
        .arg(p.y)
        .arg(slice_ + 1)
        .arg(static_cast<double>(p.value), 0, 'f', valuesAreHu_ ? 0 : 0)
        .arg(valuesAreHu_ ? tr("HU") : tr("(not HU)"))
        .arg(p.positionMm[0], 0, 'f', 1)
        .arg(p.positionMm[1], 0, 'f', 1)
        .arg(p.positionMm[2], 0, 'f', 1);
}

QString SliceViewModel::orientationLabel(int edge) const {
    if (!hasVolume()) return {};
    // Image x axis (rightwards) and y axis (downwards) in LPS; name the dominant patient direction.
    const Geometry& g = volume_->geometry();
    Vec3 axis = (edge == Left || edge == Right) ? g.axis(0) : g.axis(1);
    if (edge == Left || edge == Top) axis = {-axis[0], -axis[1], -axis[2]};
    int best = 0;
    for (int i = 1; i < 3; ++i) if (std::fabs(axis[i]) > std::fabs(axis[best])) best = i;
    static const char* positive[3] = {"L", "P", "S"};
    static const char* negative[3] = {"R", "A", "I"};
    return QString::fromLatin1(axis[best] >= 0 ? positive[best] : negative[best]);
}

}  // namespace ctsw
