#include "SliceView.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "MaskEditModel.h"
#include "SliceViewModel.h"

namespace ctsw {

SliceView::SliceView(SliceViewModel* model, QWidget* parent) : QWidget(parent), model_(model) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(256, 256);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(model_, &SliceViewModel::imageChanged, this, qOverload<>(&QWidget::update));
    connect(model_, &SliceViewModel::volumeChanged, this, qOverload<>(&QWidget::update));
}

void SliceView::setMaskModel(MaskEditModel* mask) {
    mask_ = mask;
    connect(mask_, &MaskEditModel::maskChanged, this, qOverload<>(&QWidget::update));
    connect(mask_, &MaskEditModel::displayChanged, this, qOverload<>(&QWidget::update));
    connect(mask_, &MaskEditModel::toolChanged, this, qOverload<>(&QWidget::update));
}

QRectF SliceView::imageRect() const {
    const QImage& img = model_->image();
    if (img.isNull()) return {};
    const QPointF sp = model_->pixelSpacing();
    const double physW = img.width() * sp.x(), physH = img.height() * sp.y();
    const double scale = std::min(width() / physW, height() / physH) * zoom_;
    const double w = physW * scale, h = physH * scale;
    return {(width() - w) / 2.0 + pan_.x(), (height() - h) / 2.0 + pan_.y(), w, h};
}

QPointF SliceView::widgetToImage(const QPointF& p) const {
    const QRectF r = imageRect();
    const QImage& img = model_->image();
    if (r.isEmpty()) return {-1, -1};
    return {(p.x() - r.left()) / r.width() * img.width(), (p.y() - r.top()) / r.height() * img.height()};
}

void SliceView::setZoom(double zoom) {
    zoom_ = std::clamp(zoom, 0.1, 64.0);
    update();
}

void SliceView::zoomToFit() {
    zoom_ = 1.0;
    pan_ = {};
    update();
}

void SliceView::zoomOneToOne() {
    const QImage& img = model_->image();
    if (img.isNull()) return;
    const QPointF sp = model_->pixelSpacing();
    const double fit = std::min(width() / (img.width() * sp.x()), height() / (img.height() * sp.y()));
    zoom_ = 1.0 / (fit * sp.x());
    pan_ = {};
    update();
}

QString SliceView::presetDisplayName(const QString& preset) {
    if (preset == QLatin1String("lung")) return tr("lung");
    if (preset == QLatin1String("mediastinum")) return tr("mediastinum");
    if (preset == QLatin1String("bone")) return tr("bone");
    return tr("custom");
}

void SliceView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::black);
    const QImage& img = model_->image();
    if (img.isNull()) {
        p.setPen(Qt::gray);
        p.drawText(rect(), Qt::AlignCenter, tr("Open a DICOM folder or a NIfTI volume (File menu, or drop it here)"));
        return;
    }
    p.setRenderHint(QPainter::SmoothPixmapTransform, zoom_ < 2.0);
    const QRectF r = imageRect();
    p.drawImage(r, img);
    if (mask_ && mask_->hasMask() && mask_->visible()) {
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);  // label edges stay crisp
        p.drawImage(r, mask_->overlay(model_->slice()));
    }
    // The brush outline under the cursor, at its true size.
    if (mask_ && cursor_.x() >= 0 && (mask_->tool() == MaskEditModel::Tool::Brush || mask_->tool() == MaskEditModel::Tool::Eraser ||
                                      mask_->tool() == MaskEditModel::Tool::ThresholdBrush)) {
        const double sx = r.width() / img.width(), sy = r.height() / img.height();
        p.setPen(QPen(mask_->tool() == MaskEditModel::Tool::Eraser ? Qt::white : mask_->color(mask_->activeLabel()), 1.2, Qt::DashLine));
        p.setBrush(Qt::NoBrush);
        p.setRenderHint(QPainter::Antialiasing, true);
        p.drawEllipse(cursor_, mask_->brushRadiusPixels() * sx, mask_->brushRadiusPixels() * sy);
        p.setRenderHint(QPainter::Antialiasing, false);
    }

    QFont f = font();
    f.setBold(true);
    f.setPointSize(f.pointSize() + 2);
    p.setFont(f);
    p.setPen(QColor(255, 210, 0));
    const int m = 6;
    p.drawText(QRectF(m, 0, width() - 2 * m, height()), Qt::AlignLeft | Qt::AlignVCenter, model_->orientationLabel(SliceViewModel::Left));
    p.drawText(QRectF(m, 0, width() - 2 * m, height()), Qt::AlignRight | Qt::AlignVCenter, model_->orientationLabel(SliceViewModel::Right));
    p.drawText(QRectF(0, m, width(), height() - 2 * m), Qt::AlignHCenter | Qt::AlignTop, model_->orientationLabel(SliceViewModel::Top));
    p.drawText(QRectF(0, m, width(), height() - 2 * m), Qt::AlignHCenter | Qt::AlignBottom, model_->orientationLabel(SliceViewModel::Bottom));

    p.setFont(font());
    p.setPen(Qt::white);
    const WindowLevel w = model_->window();
    const bool isTraining = model_->slice() == model_->trainingSlice();
    p.drawText(QRectF(m, m, width() - 2 * m, height() - 2 * m), Qt::AlignLeft | Qt::AlignTop,
               tr("Slice %1 / %2").arg(model_->slice() + 1).arg(model_->sliceCount()) +
                   (model_->trainingSlice() >= 0 && !isTraining ? tr("   (training slice: %1)").arg(model_->trainingSlice() + 1) : QString()));
    if (isTraining) {
        p.setPen(QPen(QColor(60, 220, 120), 3));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(1.5, 1.5, width() - 3, height() - 3));
        p.drawText(QRectF(m, m + 18, width() - 2 * m, height()), Qt::AlignLeft | Qt::AlignTop, tr("TRAINING SLICE"));
        p.setPen(Qt::white);
    }
    p.drawText(QRectF(m, m, width() - 2 * m, height() - 2 * m), Qt::AlignRight | Qt::AlignTop,
               tr("W %1  L %2 (%3)").arg(w.width, 0, 'f', 0).arg(w.level, 0, 'f', 0).arg(presetDisplayName(model_->windowPresetName())));
}

void SliceView::wheelEvent(QWheelEvent* e) {
    if (e->modifiers() & Qt::ControlModifier) {
        // Zoom about the cursor: the image point under it stays under it.
        const QPointF before = widgetToImage(e->position());
        setZoom(zoom_ * std::pow(1.0015, e->angleDelta().y()));
        const QRectF r = imageRect();
        const QImage& img = model_->image();
        if (!img.isNull()) {
            const QPointF now(r.left() + before.x() / img.width() * r.width(), r.top() + before.y() / img.height() * r.height());
            pan_ += e->position() - now;
        }
        update();
        e->accept();
        return;
    }
    if (e->modifiers() & Qt::ShiftModifier && mask_) {
        // Shift+wheel resizes the brush, as in Slicer.
        mask_->setBrushRadiusPixels(mask_->brushRadiusPixels() * (e->angleDelta().y() > 0 ? 1.2 : 1.0 / 1.2));
        e->accept();
        return;
    }
    // One notch (120) is one slice; touchpads send smaller steps that are accumulated.
    wheelRemainder_ += e->angleDelta().y();
    const int steps = wheelRemainder_ / 120;
    wheelRemainder_ -= steps * 120;
    if (steps != 0) model_->stepSlice(steps);
    reportCursor(e->position());
    e->accept();
}

void SliceView::keyPressEvent(QKeyEvent* e) {
    switch (e->key()) {
    case Qt::Key_Up: case Qt::Key_Right: model_->stepSlice(1); break;
    case Qt::Key_Down: case Qt::Key_Left: model_->stepSlice(-1); break;
    case Qt::Key_PageUp: model_->stepSlice(10); break;
    case Qt::Key_PageDown: model_->stepSlice(-10); break;
    case Qt::Key_Home: model_->setSlice(0); break;
    case Qt::Key_End: model_->setSlice(model_->sliceCount() - 1); break;
    default: QWidget::keyPressEvent(e); return;
    }
    e->accept();
}

void SliceView::mousePressEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton && mask_ && mask_->hasMask() && mask_->tool() != MaskEditModel::Tool::None && model_->hasVolume()) {
        const QPointF ip = widgetToImage(e->position());
        painting_ = true;
        mask_->press(model_->slice(), ip.x(), ip.y());
        return;
    }
    if (e->button() == Qt::MiddleButton) {
        panning_ = true;
        panStart_ = e->position();
        panAtStart_ = pan_;
        return;
    }
    if (e->button() == Qt::RightButton) {
        windowing_ = true;
        dragStart_ = e->position();
        startWidth_ = model_->window().width;
        startLevel_ = model_->window().level;
    }
}

void SliceView::mouseReleaseEvent(QMouseEvent* e) {
    if (e->button() == Qt::RightButton) windowing_ = false;
    if (e->button() == Qt::MiddleButton) panning_ = false;
    if (e->button() == Qt::LeftButton && painting_) {
        painting_ = false;
        mask_->release();
    }
}

void SliceView::mouseMoveEvent(QMouseEvent* e) {
    cursor_ = e->position();
    if (painting_) {
        const QPointF ip = widgetToImage(e->position());
        mask_->move(ip.x(), ip.y());
    }
    if (panning_) {
        pan_ = panAtStart_ + (e->position() - panStart_);
        update();
    }
    if (mask_ && mask_->tool() != MaskEditModel::Tool::None) update();  // brush outline follows the cursor
    if (windowing_) {
        const QPointF d = e->position() - dragStart_;
        model_->setWindow({std::max(1.0, startWidth_ + d.x() * 4.0), startLevel_ + d.y() * 2.0});
    }
    reportCursor(e->position());
}

void SliceView::leaveEvent(QEvent*) {
    cursor_ = {-1, -1};
    update();
    Q_EMIT cursorInfo(QString());
}

void SliceView::reportCursor(const QPointF& pos) {
    if (imageRect().isEmpty()) return;
    const QPointF ip = widgetToImage(pos);
    QString text = model_->describe(model_->probe(ip.x(), ip.y()));
    if (mask_ && mask_->hasMask() && !text.isEmpty()) {
        const auto* l = mask_->labels();
        const int x = static_cast<int>(ip.x()), y = static_cast<int>(ip.y());
        if (x >= 0 && y >= 0 && x < l->width() && y < l->height())
            text += tr("  |  label: %1").arg(QString::fromLatin1(labelName(static_cast<Label>(l->at(x, y, model_->slice())))));
    }
    Q_EMIT cursorInfo(text);
}

}  // namespace ctsw
