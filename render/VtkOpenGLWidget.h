#pragma once
// VTK rendering inside a Qt6 QOpenGLWidget through vtkGenericOpenGLRenderWindow. Debian's VTK Qt module
// is built for Qt5, so this small adapter replaces QVTKOpenGLNativeWidget: VTK renders into its own
// framebuffer ("no blit"), which is then blitted into the widget's framebuffer.
#include <QOpenGLWidget>
#include <memory>

class vtkGenericOpenGLRenderWindow;
class vtkRenderer;

namespace ctsw {

class VtkOpenGLWidget : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkOpenGLWidget(QWidget* parent = nullptr);
    ~VtkOpenGLWidget() override;

    vtkGenericOpenGLRenderWindow* renderWindow() const;
    vtkRenderer* renderer() const;
    // The surface format VTK needs (OpenGL 3.2 core); set it as the default before QApplication exists.
    static void setDefaultSurfaceFormat();

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void wheelEvent(QWheelEvent*) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ctsw
