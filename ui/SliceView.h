#pragma once
// Shows the view-model's slice fitted to the widget with the true pixel aspect, orientation labels
// at the edges, and reports the voxel under the cursor. Wheel and arrow keys change slice;
// dragging with the right button changes window (horizontal) and level (vertical).
#include <QWidget>

namespace ctsw {

class SliceViewModel;

class SliceView : public QWidget {
    Q_OBJECT
public:
    explicit SliceView(SliceViewModel* model, QWidget* parent = nullptr);
    QSize sizeHint() const override { return {720, 720}; }
    // Where the image is drawn, in widget coordinates.
    QRectF imageRect() const;

Q_SIGNALS:
    void cursorInfo(const QString& text);

protected:
    void paintEvent(QPaintEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void keyPressEvent(QKeyEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void leaveEvent(QEvent*) override;

private:
    void reportCursor(const QPointF& widgetPos);

    SliceViewModel* model_;
    bool windowing_ = false;
    QPointF dragStart_;
    double startWidth_ = 0, startLevel_ = 0;
    int wheelRemainder_ = 0;
};

}  // namespace ctsw
