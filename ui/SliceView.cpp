#include "SliceView.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>

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

QRectF SliceView::imageRect() const {
    const QImage& img = model_->image();
    if (img.isNull()) return {};
    const QPointF sp = model_->pixelSpacing();
    const double physW = img.width() * sp.x(), physH = img.height() * sp.y();
    const double scale = std::min(width() / physW, height() / physH);
    const double w = physW * scale, h = physH * scale;
    return {(width() - w) / 2.0, (height() - h) / 2.0, w, h};
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
    p.setRenderHint(QPainter::SmoothPixmapTransform, true);
    const QRectF r = imageRect();
    p.drawImage(r, img);

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
    p.drawText(QRectF(m, m, width() - 2 * m, height() - 2 * m), Qt::AlignLeft | Qt::AlignTop,
               tr("Slice %1 / %2").arg(model_->slice() + 1).arg(model_->sliceCount()));
    p.drawText(QRectF(m, m, width() - 2 * m, height() - 2 * m), Qt::AlignRight | Qt::AlignTop,
               tr("W %1  L %2 (%3)").arg(w.width, 0, 'f', 0).arg(w.level, 0, 'f', 0).arg(model_->windowPresetName()));
}

void SliceView::wheelEvent(QWheelEvent* e) {
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
    if (e->button() == Qt::RightButton) {
        windowing_ = true;
        dragStart_ = e->position();
        startWidth_ = model_->window().width;
        startLevel_ = model_->window().level;
    }
}

void SliceView::mouseReleaseEvent(QMouseEvent* e) {
    if (e->button() == Qt::RightButton) windowing_ = false;
}

void SliceView::mouseMoveEvent(QMouseEvent* e) {
    if (windowing_) {
        const QPointF d = e->position() - dragStart_;
        model_->setWindow({std::max(1.0, startWidth_ + d.x() * 4.0), startLevel_ + d.y() * 2.0});
    }
    reportCursor(e->position());
}

void SliceView::leaveEvent(QEvent*) { Q_EMIT cursorInfo(QString()); }

void SliceView::reportCursor(const QPointF& pos) {
    const QRectF r = imageRect();
    if (r.isEmpty()) return;
    const QImage& img = model_->image();
    const double ix = (pos.x() - r.left()) / r.width() * img.width();
    const double iy = (pos.y() - r.top()) / r.height() * img.height();
    Q_EMIT cursorInfo(model_->describe(model_->probe(ix, iy)));
}

}  // namespace ctsw
