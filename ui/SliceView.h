#pragma once
// Shows the view-model's slice fitted to the widget with the true pixel aspect, orientation labels
// at the edges, and reports the voxel under the cursor. Wheel and arrow keys change slice;
// dragging with the right button changes window (horizontal) and level (vertical).
#include <QWidget>

namespace ctsw {

class SliceViewModel;
class MaskEditModel;

class SliceView : public QWidget {
    Q_OBJECT
public:
    explicit SliceView(SliceViewModel* model, QWidget* parent = nullptr);
    QSize sizeHint() const override { return {720, 720}; }
    // The mask shown over the image and edited with the left mouse button (optional).
    void setMaskModel(MaskEditModel* mask);
    // Where the image is drawn, in widget coordinates.
    QRectF imageRect() const;
    QPointF widgetToImage(const QPointF& p) const;
    // Zoom: 1 fits the image to the view; Ctrl+wheel zooms about the cursor, middle-drag pans.
    double zoom() const { return zoom_; }
    void setZoom(double zoom);
    void zoomToFit();
    void zoomOneToOne();  // one image pixel per screen pixel
    // The window preset's name in the user's language.
    static QString presetDisplayName(const QString& preset);

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
    MaskEditModel* mask_ = nullptr;
    double zoom_ = 1.0;
    QPointF pan_;
    bool panning_ = false;
    QPointF panStart_, panAtStart_;
    bool painting_ = false;
    QPointF cursor_{-1, -1};
    bool windowing_ = false;
    QPointF dragStart_;
    double startWidth_ = 0, startLevel_ = 0;
    int wheelRemainder_ = 0;
};

}  // namespace ctsw
