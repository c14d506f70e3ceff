#include "VtkOpenGLWidget.h"

#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QSurfaceFormat>
#include <QWheelEvent>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>

namespace ctsw {

struct VtkOpenGLWidget::Impl {
    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
    vtkSmartPointer<vtkRenderer> renderer = vtkSmartPointer<vtkRenderer>::New();
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor = vtkSmartPointer<vtkGenericRenderWindowInteractor>::New();
    vtkSmartPointer<vtkCallbackCommand> makeCurrent = vtkSmartPointer<vtkCallbackCommand>::New();
    vtkSmartPointer<vtkCallbackCommand> isCurrent = vtkSmartPointer<vtkCallbackCommand>::New();
    vtkSmartPointer<vtkCallbackCommand> renderRequest = vtkSmartPointer<vtkCallbackCommand>::New();
    bool initialized = false;
};

void VtkOpenGLWidget::setDefaultSurfaceFormat() {
    QSurfaceFormat f;
    f.setRenderableType(QSurfaceFormat::OpenGL);
    f.setVersion(3, 2);
    f.setProfile(QSurfaceFormat::CoreProfile);
    f.setDepthBufferSize(24);
    f.setStencilBufferSize(8);
    f.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
    QSurfaceFormat::setDefaultFormat(f);
}

VtkOpenGLWidget::VtkOpenGLWidget(QWidget* parent) : QOpenGLWidget(parent), impl_(std::make_unique<Impl>()) {
    setMouseTracking(false);
    setFocusPolicy(Qt::StrongFocus);
    impl_->window->AddRenderer(impl_->renderer);
    impl_->window->SetMultiSamples(0);
    impl_->interactor->SetRenderWindow(impl_->window);
    impl_->interactor->SetInteractorStyle(vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New());
    // VTK asks to render through the interactor; the widget decides when (paintGL).
    impl_->interactor->EnableRenderOff();
    impl_->renderRequest->SetClientData(this);
    impl_->renderRequest->SetCallback([](vtkObject*, unsigned long, void* self, void*) { static_cast<VtkOpenGLWidget*>(self)->update(); });
    impl_->interactor->AddObserver(vtkCommand::RenderEvent, impl_->renderRequest);
    // VTK's "make current": only through QOpenGLContext, and only when not current already
    // (QOpenGLWidget::makeCurrent would rebind Qt's framebuffer behind VTK's state cache).
    impl_->makeCurrent->SetClientData(this);
    impl_->makeCurrent->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
        auto* w = static_cast<VtkOpenGLWidget*>(self);
        QOpenGLContext* ctx = w->context();
        if (ctx && QOpenGLContext::currentContext() != ctx) ctx->makeCurrent(ctx->surface());
    });
    impl_->window->AddObserver(vtkCommand::WindowMakeCurrentEvent, impl_->makeCurrent);
    impl_->isCurrent->SetClientData(this);
    impl_->isCurrent->SetCallback([](vtkObject*, unsigned long, void* self, void* callData) {
        auto* w = static_cast<VtkOpenGLWidget*>(self);
        *static_cast<bool*>(callData) = w->context() && QOpenGLContext::currentContext() == w->context();
    });
    impl_->window->AddObserver(vtkCommand::WindowIsCurrentEvent, impl_->isCurrent);
}

VtkOpenGLWidget::~VtkOpenGLWidget() {
    // The context outlives this destructor body (QOpenGLWidget destroys it later): release VTK's GL
    // resources now and make sure the context's destruction signal no longer reaches this object.
    if (context()) disconnect(context(), nullptr, this, nullptr);
    makeCurrent();
    impl_->window->ReleaseGraphicsResources(impl_->window);
    impl_->window->Finalize();
    doneCurrent();
}

vtkGenericOpenGLRenderWindow* VtkOpenGLWidget::renderWindow() const { return impl_->window; }
vtkRenderer* VtkOpenGLWidget::renderer() const { return impl_->renderer; }

void VtkOpenGLWidget::initializeGL() {
    impl_->window->SetOwnContext(false);
    impl_->window->SetReadyForRendering(true);
    impl_->window->SetFrameBlitModeToNoBlit();
    impl_->window->GetState()->Reset();
    impl_->window->OpenGLInitContext();
    connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
        makeCurrent();
        impl_->window->ReleaseGraphicsResources(impl_->window);
        doneCurrent();
    });
    impl_->initialized = true;
}

void VtkOpenGLWidget::resizeGL(int w, int h) {
    const qreal dpr = devicePixelRatioF();
    impl_->window->SetSize(static_cast<int>(w * dpr), static_cast<int>(h * dpr));
    impl_->interactor->SetSize(static_cast<int>(w * dpr), static_cast<int>(h * dpr));
}

void VtkOpenGLWidget::paintGL() {
    if (!impl_->initialized) return;
    vtkOpenGLState* state = impl_->window->GetState();
    state->Reset();
    state->Push();
    state->vtkglDepthFunc(GL_LEQUAL);
    impl_->window->Render();
    // Copy VTK's frame into the widget's framebuffer.
    const int w = impl_->window->GetSize()[0], h = impl_->window->GetSize()[1];
    state->PushDrawFramebufferBinding();
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    impl_->window->BlitDisplayFramebuffer(0, 0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    state->PopDrawFramebufferBinding();
    state->Pop();
}

namespace {
void forwardButton(vtkGenericRenderWindowInteractor* it, QMouseEvent* e, bool press, qreal dpr, int height) {
    it->SetEventInformationFlipY(static_cast<int>(e->position().x() * dpr), static_cast<int>(e->position().y() * dpr),
                                 (e->modifiers() & Qt::ControlModifier) ? 1 : 0, (e->modifiers() & Qt::ShiftModifier) ? 1 : 0);
    (void)height;
    unsigned long event = 0;
    switch (e->button()) {
    case Qt::LeftButton: event = press ? vtkCommand::LeftButtonPressEvent : vtkCommand::LeftButtonReleaseEvent; break;
    case Qt::RightButton: event = press ? vtkCommand::RightButtonPressEvent : vtkCommand::RightButtonReleaseEvent; break;
    case Qt::MiddleButton: event = press ? vtkCommand::MiddleButtonPressEvent : vtkCommand::MiddleButtonReleaseEvent; break;
    default: return;
    }
    it->InvokeEvent(event, e);
}
}  // namespace

void VtkOpenGLWidget::mousePressEvent(QMouseEvent* e) { forwardButton(impl_->interactor, e, true, devicePixelRatioF(), height()); }
void VtkOpenGLWidget::mouseReleaseEvent(QMouseEvent* e) { forwardButton(impl_->interactor, e, false, devicePixelRatioF(), height()); }

void VtkOpenGLWidget::mouseMoveEvent(QMouseEvent* e) {
    const qreal dpr = devicePixelRatioF();
    impl_->interactor->SetEventInformationFlipY(static_cast<int>(e->position().x() * dpr), static_cast<int>(e->position().y() * dpr),
                                                (e->modifiers() & Qt::ControlModifier) ? 1 : 0, (e->modifiers() & Qt::ShiftModifier) ? 1 : 0);
    impl_->interactor->InvokeEvent(vtkCommand::MouseMoveEvent, e);
}

void VtkOpenGLWidget::wheelEvent(QWheelEvent* e) {
    const qreal dpr = devicePixelRatioF();
    impl_->interactor->SetEventInformationFlipY(static_cast<int>(e->position().x() * dpr), static_cast<int>(e->position().y() * dpr));
    impl_->interactor->InvokeEvent(e->angleDelta().y() > 0 ? vtkCommand::MouseWheelForwardEvent : vtkCommand::MouseWheelBackwardEvent, e);
}

}  // namespace ctsw
