#include "MaskEditModel.h"

#include <algorithm>

namespace ctsw {

MaskEditModel::MaskEditModel(QObject* parent) : QObject(parent) {}
MaskEditModel::~MaskEditModel() = default;

void MaskEditModel::reset(std::shared_ptr<const CtVolume> image, std::shared_ptr<LabelVolume> labels) {
    image_ = std::move(image);
    if (!labels && image_) labels = std::make_shared<LabelVolume>(image_->geometry(), 0);
    labels_ = std::move(labels);
    editor_ = labels_ ? std::make_unique<mask::LabelEditor>(*labels_, image_.get()) : nullptr;
    if (editor_) editor_->setBudgetBytes(budget_);
    modified_ = false;
    ++revision_;
    Q_EMIT maskChanged(-1);
    Q_EMIT historyChanged();
    Q_EMIT modifiedChanged(false);
}

std::size_t MaskEditModel::replaceSlice(int slice, const LabelSlice& labels, const QString& description) {
    if (!editor_) return 0;
    const std::size_t n = editor_->replaceSlice(slice, labels, description.toStdString());
    if (n > 0) changed(slice);
    Q_EMIT historyChanged();
    return n;
}

std::size_t MaskEditModel::replaceVolume(const LabelVolume& labels, const QString& description) {
    if (!editor_) return 0;
    const std::size_t n = editor_->replaceVolume(labels, description.toStdString());
    if (n > 0) changed(-1);
    Q_EMIT historyChanged();
    return n;
}

void MaskEditModel::setTool(Tool t) {
    if (t == tool_) return;
    tool_ = t;
    Q_EMIT toolChanged();
}

void MaskEditModel::setActiveLabel(Label l) {
    if (l == label_ || l == Label::Background) return;
    label_ = l;
    Q_EMIT toolChanged();
}

void MaskEditModel::setBrushRadiusPixels(double r) {
    r = std::clamp(r, 0.5, 200.0);
    if (r == radius_) return;
    radius_ = r;
    Q_EMIT toolChanged();
}

void MaskEditModel::setThresholdRange(float low, float high) {
    threshold_ = {std::min(low, high), std::max(low, high)};
    Q_EMIT toolChanged();
}

void MaskEditModel::press(int slice, double x, double y) {
    if (!editor_ || tool_ == Tool::None) return;
    mask::PaintRules rules = rules_;
    if (tool_ == Tool::ThresholdBrush) rules.intensityRange = threshold_;
    if (tool_ == Tool::Fill) {
        if (editor_->floodFill(slice, static_cast<int>(x), static_cast<int>(y), label_, rules) > 0) changed(slice);
        Q_EMIT historyChanged();
        return;
    }
    editor_->beginStroke(slice, label_, radius_, tool_ == Tool::Eraser, rules);
    editor_->strokeTo(x, y);
    changed(slice);
}

void MaskEditModel::move(double x, double y) {
    if (!editor_ || !editor_->inStroke()) return;
    editor_->strokeTo(x, y);
    changed(editor_->lastTouchedSlice() >= 0 ? editor_->lastTouchedSlice() : -1);
}

void MaskEditModel::release() {
    if (!editor_ || !editor_->inStroke()) return;
    editor_->endStroke();
    changed(editor_->lastTouchedSlice());
    Q_EMIT historyChanged();
}

bool MaskEditModel::editing() const { return editor_ && editor_->inStroke(); }
bool MaskEditModel::canUndo() const { return editor_ && editor_->canUndo(); }
bool MaskEditModel::canRedo() const { return editor_ && editor_->canRedo(); }

void MaskEditModel::undo() {
    if (editor_ && editor_->undo()) {
        changed(editor_->lastTouchedSlice());
        Q_EMIT historyChanged();
    }
}

void MaskEditModel::redo() {
    if (editor_ && editor_->redo()) {
        changed(editor_->lastTouchedSlice());
        Q_EMIT historyChanged();
    }
}

QString MaskEditModel::undoText() const { return editor_ ? QString::fromStdString(editor_->undoDescription()) : QString(); }
std::size_t MaskEditModel::historyBytes() const { return editor_ ? editor_->historyBytes() : 0; }
std::size_t MaskEditModel::budgetBytes() const { return budget_; }
void MaskEditModel::setBudgetBytes(std::size_t bytes) {
    budget_ = bytes;
    if (editor_) editor_->setBudgetBytes(bytes);
    Q_EMIT historyChanged();
}

void MaskEditModel::setColor(Label l, const QColor& c) {
    (l == Label::Infection ? infectionColor_ : lungColor_) = c;
    ++revision_;
    Q_EMIT displayChanged();
}
void MaskEditModel::setOpacity(double o) {
    opacity_ = std::clamp(o, 0.0, 1.0);
    ++revision_;
    Q_EMIT displayChanged();
}
void MaskEditModel::setVisible(bool v) {
    visible_ = v;
    Q_EMIT displayChanged();
}
void MaskEditModel::setOutline(bool o) {
    outline_ = o;
    ++revision_;
    Q_EMIT displayChanged();
}

void MaskEditModel::setModified(bool m) {
    if (m == modified_) return;
    modified_ = m;
    Q_EMIT modifiedChanged(m);
}

void MaskEditModel::changed(int slice) {
    ++revision_;
    setModified(true);
    Q_EMIT maskChanged(slice);
}

QImage MaskEditModel::overlay(int slice) const {
    if (!labels_ || slice < 0 || slice >= labels_->depth()) return {};
    if (slice == cachedSlice_ && revision_ == cachedRevision_) return cachedOverlay_;
    const int w = labels_->width(), h = labels_->height();
    QImage img(w, h, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    const std::uint8_t* px = labels_->slicePointer(slice);
    const QRgb colors[3] = {0, qPremultiply(qRgba(lungColor_.red(), lungColor_.green(), lungColor_.blue(), static_cast<int>(opacity_ * 255))),
                            qPremultiply(qRgba(infectionColor_.red(), infectionColor_.green(), infectionColor_.blue(), static_cast<int>(opacity_ * 255)))};
    const QRgb solid[3] = {0, qRgba(lungColor_.red(), lungColor_.green(), lungColor_.blue(), 255),
                           qRgba(infectionColor_.red(), infectionColor_.green(), infectionColor_.blue(), 255)};
    for (int y = 0; y < h; ++y) {
        QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(y));
        const std::uint8_t* row = px + static_cast<std::size_t>(y) * w;
        for (int x = 0; x < w; ++x) {
            const std::uint8_t v = row[x];
            if (v == 0 || v > 2) continue;
            if (outline_) {
                // A pixel is on the outline when a 4-neighbour has another label.
                const bool edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || row[x - 1] != v || row[x + 1] != v || row[x - w] != v || row[x + w] != v;
                if (edge) line[x] = solid[v];
            } else {
                line[x] = colors[v];
            }
        }
    }
    cachedSlice_ = slice;
    cachedRevision_ = revision_;
    cachedOverlay_ = img;
    return img;
}

}  // namespace ctsw
