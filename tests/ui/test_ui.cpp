// View-model and main-window tests. Run offscreen (QT_QPA_PLATFORM=offscreen): no display needed.
#include <QSignalSpy>
#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QTimer>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>
#include <QElapsedTimer>
#include <QThreadPool>
#include <cstdio>
#include <memory>

#include <QProcess>
#include <QDockWidget>
#include <QSettings>
#include <QStandardPaths>

#include "LabelSurfaceView.h"
#include "VtkOpenGLWidget.h"
#include "MainWindow.h"
#include "TrainingController.h"
#include "TrainingPanel.h"
#include "PreviewGallery.h"
#include "DatasetPanel.h"
#include "eval/Quality.h"
#include "io/ImageFiles.h"
#include "json/Json.h"
#include <QDir>
#include "gan/Engine.h"
#include <QGuiApplication>
#include "MaskEditModel.h"
#include "io/Document.h"
#include "SliceView.h"
#include "SliceViewModel.h"
#include "VolumeLoader.h"
#include "io/ImageSource.h"

using namespace ctsw;

class UiTest : public QObject {
    Q_OBJECT

    // The bundled CT opened, saved as a document in `home`, with the automatic lung mask on every slice:
    // what a training run from the workbench needs.
    static bool openSampleReadyToTrain(MainWindow& w, const QTemporaryDir& home) {
        QSignalSpy loaded(w.loader(), &VolumeLoader::loaded);
        w.openPath(QStringLiteral(CTSW_SOURCE_SAMPLE_DIR));
        if (!loaded.wait(30000) || !w.saveDocumentAs(home.filePath(QStringLiteral("doc")))) return false;
        w.applyAutomaticLungMask(false);
        return true;
    }

    static std::shared_ptr<CtVolume> rampVolume() {
        Geometry g;
        g.size = {4, 3, 5};
        g.spacing = {0.5, 0.5, 2.0};
        auto v = std::make_shared<CtVolume>(g);
        for (int z = 0; z < 5; ++z)
            for (int y = 0; y < 3; ++y)
                for (int x = 0; x < 4; ++x) v->at(x, y, z) = -1350.0f + 250.0f * x + 1000.0f * z;
        return v;
    }

    // Closes every modal dialog that appears while alive, keeping its text (a test cannot click).
    struct ModalRecorder {
        QStringList texts;
        QTimer timer;
        ModalRecorder() {
            QObject::connect(&timer, &QTimer::timeout, [this] {
                if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                    texts << box->text();
                    box->done(QMessageBox::Ok);
                }
            });
            timer.start(50);
        }
    };

private Q_SLOTS:
    void viewModelWindowsTheCurrentSlice() {
        SliceViewModel m;
        QSignalSpy imageSpy(&m, &SliceViewModel::imageChanged);
        m.setVolume(rampVolume(), true);
        QCOMPARE(m.sliceCount(), 5);
        QCOMPARE(m.slice(), 2);  // opens in the middle
        QCOMPARE(m.windowPresetName(), QStringLiteral("lung"));
        m.setSlice(0);
        const QImage& img = m.image();
        QCOMPARE(img.width(), 4);
        QCOMPARE(img.height(), 3);
        // Lung window W1500/L-600 spans -1350..150 HU: -1350 is black, 150 is white.
        QCOMPARE(qGray(img.pixel(0, 0)), 0);
        QCOMPARE(qGray(img.pixel(3, 0)), qRound((750.0 - 0.0) / 1500.0 * 255.0));
        m.setWindow(windowByName("bone"));
        QCOMPARE(m.windowPresetName(), QStringLiteral("bone"));
        QVERIFY(qGray(m.image().pixel(0, 0)) == 0);
        QVERIFY(imageSpy.count() >= 3);
    }

    void viewModelClampsSlicesAndProbesVoxels() {
        SliceViewModel m;
        m.setVolume(rampVolume(), true);
        m.setSlice(99);
        QCOMPARE(m.slice(), 4);
        m.stepSlice(-10);
        QCOMPARE(m.slice(), 0);
        m.setSlice(3);
        SliceViewModel::Probe p = m.probe(2.5, 1.2);
        QVERIFY(p.inside);
        QCOMPARE(p.x, 2);
        QCOMPARE(p.y, 1);
        QCOMPARE(p.value, -1350.0f + 500.0f + 3000.0f);
        QCOMPARE(p.positionMm[2], 6.0);
        QVERIFY(m.describe(p).contains(QStringLiteral("2150")));
        QVERIFY(!m.probe(-1, 0).inside);
        QVERIFY(!m.probe(4, 0).inside);
    }

    void orientationLabelsFollowTheDirection() {
        SliceViewModel m;
        m.setVolume(rampVolume(), true);
        QCOMPARE(m.orientationLabel(SliceViewModel::Left), QStringLiteral("R"));
        QCOMPARE(m.orientationLabel(SliceViewModel::Right), QStringLiteral("L"));
        QCOMPARE(m.orientationLabel(SliceViewModel::Top), QStringLiteral("A"));
        QCOMPARE(m.orientationLabel(SliceViewModel::Bottom), QStringLiteral("P"));
        auto flipped = rampVolume();
        flipped->geometry().direction = {-1, 0, 0, 0, 1, 0, 0, 0, 1};
        m.setVolume(flipped, true);
        QCOMPARE(m.orientationLabel(SliceViewModel::Left), QStringLiteral("L"));
    }

    void galleryTilesTakeTheLayoutThatMakesThemLargest() {
        // 8 square samples: one row in a wide, low dock; two rows of four in a taller one; two columns
        // in a narrow, tall one (98 px tiles against 97 in one column).
        QCOMPARE(PreviewGallery::tileColumns(8, QSize(700, 150), 3), 8);
        QCOMPARE(PreviewGallery::tileColumns(8, QSize(700, 400), 3), 4);
        QCOMPARE(PreviewGallery::tileColumns(8, QSize(200, 800), 3), 2);
        QCOMPARE(PreviewGallery::tileColumns(1, QSize(700, 150), 3), 1);
        QCOMPARE(PreviewGallery::tileColumns(0, QSize(700, 150), 3), 1);
        QCOMPARE(PreviewGallery::tileColumns(8, QSize(0, 0), 3), 1);
    }

    void loaderReportsAMissingPathByName() {
        VolumeLoader loader;
        QSignalSpy failed(&loader, &VolumeLoader::failed);
        loader.start(QStringLiteral("/nonexistent/ct-folder"));
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("/nonexistent/ct-folder")));
        QVERIFY(!loader.isRunning());
    }

    void mainWindowOpensTheSampleAndScrolls() {
        const QString sample = QStringLiteral(CTSW_SOURCE_SAMPLE_DIR);
        MainWindow w;
        w.show();
        QSignalSpy loaded(w.loader(), &VolumeLoader::loaded);
        w.openPath(sample);
        QVERIFY(loaded.wait(30000));
        SliceViewModel* m = w.sliceModel();
        QCOMPARE(m->sliceCount(), 30);
        QCOMPARE(m->volume()->width(), 512);
        QVERIFY(m->valuesAreHu());
        auto* view = w.findChild<SliceView*>();
        QVERIFY(view);
        const int before = m->slice();
        const QPointF centre = view->imageRect().center();
        QWheelEvent wheel(centre, view->mapToGlobal(centre), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(view, &wheel);
        QCOMPARE(m->slice(), before + 2);
        QTest::keyClick(view, Qt::Key_Down);
        QCOMPARE(m->slice(), before + 1);
        QTest::keyClick(view, Qt::Key_End);
        QCOMPARE(m->slice(), 29);
        // The HU under the image centre is real CT data, within the series' range.
        const auto p = m->probe(256, 256);
        QVERIFY(p.inside);
        QVERIFY(p.value >= -1024.0f && p.value <= 1548.0f);
    }

    void paintUndoRedoSaveAndReopenGiveTheSameMask() {
        QTemporaryDir home;
        qputenv("XDG_DATA_HOME", home.path().toUtf8());  // recovery files go to a private place
        const QString sample = QStringLiteral(CTSW_SOURCE_SAMPLE_DIR);
        const QString docDir = home.filePath(QStringLiteral("doc"));
        std::vector<std::uint8_t> saved;
        {
            MainWindow w;
            w.resize(1000, 800);
            w.show();
            QSignalSpy loaded(w.loader(), &VolumeLoader::loaded);
            w.openPath(sample);
            QVERIFY(loaded.wait(30000));
            MaskEditModel* mask = w.maskModel();
            QVERIFY(mask->hasMask());
            SliceView* view = w.sliceView();
            const int slice = w.sliceModel()->slice();

            // Automatic lung mask on this slice: a plausible lung area (several thousand pixels).
            w.applyAutomaticLungMask(false);
            std::size_t lung = 0;
            for (int i = 0; i < 512 * 512; ++i) lung += mask->labels()->slicePointer(slice)[i] == 1;
            QVERIFY2(lung > 20000 && lung < 120000, qPrintable(QString::number(lung)));

            // A stroke of infection with simulated mouse events across the right lung (image left).
            mask->setActiveLabel(Label::Infection);
            mask->setTool(MaskEditModel::Tool::Brush);
            mask->setBrushRadiusPixels(6);
            const QRectF r = view->imageRect();
            auto at = [&](double ix, double iy) { return QPoint(qRound(r.left() + ix / 512.0 * r.width()), qRound(r.top() + iy / 512.0 * r.height())); };
            QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, at(100, 180));
            QMouseEvent moveEvent(QEvent::MouseMove, QPointF(at(150, 180)), view->mapToGlobal(QPointF(at(150, 180))), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(view, &moveEvent);
            QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, at(150, 180));
            auto infection = [&] {
                std::size_t n = 0;
                for (int i = 0; i < 512 * 512; ++i) n += mask->labels()->slicePointer(slice)[i] == 2;
                return n;
            };
            const std::size_t painted = infection();
            QVERIFY2(painted > 100, qPrintable(QString::number(painted)));
            QVERIFY(mask->modified());
            // Undo and redo through the Edit menu's shortcuts, which reach only the active window: under
            // load the platform may not have activated it yet, or may take it away again between the
            // activation and the key, so a key that changed nothing is sent again (three tries; a
            // shortcut that does not work fails all three).
            auto shortcut = [&](Qt::Key key, std::size_t expected) {
                for (int attempt = 0; attempt < 3 && infection() != expected; ++attempt) {
                    w.activateWindow();
                    QTest::qWaitForWindowActive(&w);
                    QTest::keyClick(&w, key, Qt::ControlModifier);
                    QCoreApplication::processEvents();
                }
                return infection();
            };
            QCOMPARE(shortcut(Qt::Key_Z, 0), std::size_t(0));
            QCOMPARE(shortcut(Qt::Key_Y, painted), painted);
            w.sliceModel()->setTrainingSlice(slice);
            QVERIFY(w.saveDocumentAs(docDir));
            QVERIFY(!mask->modified());
            saved = mask->labels()->voxels();
        }
        MainWindow again;
        QSignalSpy loaded(again.loader(), &VolumeLoader::loaded);
        again.openDocument(docDir);
        QVERIFY(loaded.wait(30000));
        QVERIFY(again.maskModel()->labels()->voxels() == saved);
        QCOMPARE(again.sliceModel()->trainingSlice(), again.sliceModel()->slice());
        QCOMPARE(again.documentDir(), docDir);
    }

    void corruptImageFilesGiveAnErrorAndTheWorkbenchStaysUp() {
        // Damaged copies of real files, as a half-finished copy or a bad download leaves them.
        QTemporaryDir dir;
        const QString data = QStringLiteral(CTSW_DATA_DIR);
        if (!QFileInfo::exists(data + QStringLiteral("/medseg-covid"))) QSKIP("real data folder not found");
        struct Damage {
            QString source, name;
        };
        QStringList paths;
        for (const Damage& d : {Damage{data + QStringLiteral("/medseg-covid/train/Imgs/0.jpg"), QStringLiteral("half.jpg")},
                                Damage{data + QStringLiteral("/medseg-covid/train/GT_multiclass/0.png"), QStringLiteral("half.png")}}) {
            QFile in(d.source);
            QVERIFY(in.open(QIODevice::ReadOnly));
            const QByteArray bytes = in.readAll();
            QFile out(dir.filePath(d.name));
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(bytes.left(bytes.size() / 2));
            paths << out.fileName();
        }
        MainWindow w;
        w.show();
        ModalRecorder modals;
        for (const QString& path : paths) {
            QSignalSpy failed(w.loader(), &VolumeLoader::failed);
            w.openPath(path);
            QVERIFY(failed.wait(30000));
            QTRY_COMPARE_WITH_TIMEOUT(modals.texts.size(), paths.indexOf(path) + 1, 10000);
            QVERIFY2(modals.texts.last().contains(QFileInfo(path).fileName()), qPrintable(modals.texts.last()));
            QVERIFY2(modals.texts.last().contains(QStringLiteral("truncated")), qPrintable(modals.texts.last()));
        }
        // Still up: the real sample opens in the same window.
        QSignalSpy loaded(w.loader(), &VolumeLoader::loaded);
        w.openPath(QStringLiteral(CTSW_SOURCE_SAMPLE_DIR));
        QVERIFY(loaded.wait(30000));
        QVERIFY(w.maskModel()->hasMask());
    }

    void aSecondWindowOnADocumentIsToldItIsInUseAndNeverSavesOverIt() {
        QTemporaryDir home;
        const QString doc = home.filePath(QStringLiteral("doc"));
        QByteArray savedByFirst;
        {
            MainWindow first;
            QVERIFY(openSampleReadyToTrain(first, home));
            QVERIFY(first.saveDocumentAs(doc));
            QFile f(doc + QStringLiteral("/document.json"));
            QVERIFY(f.open(QIODevice::ReadOnly));
            savedByFirst = f.readAll();

            MainWindow second;
            second.show();
            QSignalSpy loaded(second.loader(), &VolumeLoader::loaded);
            second.openDocument(doc);
            QVERIFY(loaded.wait(30000));
            QVERIFY2(second.documentInUseBy().contains(QString::number(QCoreApplication::applicationPid())), qPrintable(second.documentInUseBy()));
            auto* told = second.findChild<QMessageBox*>(QStringLiteral("documentInUse"));
            QVERIFY(told);
            QVERIFY2(told->text().contains(doc), qPrintable(told->text()));
            QVERIFY(second.windowTitle().contains(QStringLiteral("read-only")));
            // CTSW_TEST_SCREENSHOT_DIR=DIR keeps pictures of the refusal for the documentation.
            const QString shots = qEnvironmentVariable("CTSW_TEST_SCREENSHOT_DIR");
            if (!shots.isEmpty()) {
                second.resize(1200, 800);
                second.grab().save(shots + QStringLiteral("/document-in-use-window.png"));
                told->grab().save(shots + QStringLiteral("/document-in-use-message.png"));
            }
            told->done(QMessageBox::Ok);
            // Saving into the document is refused, with the reason; the first window's file is untouched.
            second.sliceModel()->setTrainingSlice(3);
            ModalRecorder modals;
            QVERIFY(!second.saveDocumentAs(doc));
            QVERIFY(!modals.texts.isEmpty());
            QVERIFY2(modals.texts.last().contains(QStringLiteral("nothing was written")), qPrintable(modals.texts.last()));
            QFile again(doc + QStringLiteral("/document.json"));
            QVERIFY(again.open(QIODevice::ReadOnly));
            QCOMPARE(again.readAll(), savedByFirst);
            // A copy elsewhere is allowed.
            QVERIFY(second.saveDocumentAs(home.filePath(QStringLiteral("copy"))));
        }
        // Once both windows are closed, the document opens normally.
        MainWindow third;
        QSignalSpy loaded(third.loader(), &VolumeLoader::loaded);
        third.openDocument(doc);
        QVERIFY(loaded.wait(30000));
        QVERIFY(third.documentInUseBy().isEmpty());
        QVERIFY(third.findChild<QMessageBox*>(QStringLiteral("documentInUse")) == nullptr);
    }

    void crashRecoveryAfterKill() {
        // A child workbench paints, autosaves, and is killed with SIGKILL; a new one finds the recovery copy.
        QTemporaryDir home;
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.path());
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("CTSW_TEST_PAINT_AND_AUTOSAVE"), QStringLiteral("1"));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("childPaintsAndWaits")});
        QVERIFY(child.waitForStarted(10000));
        // The child prints "autosaved" once its recovery copy is on disk, then waits to be killed.
        QElapsedTimer t;
        t.start();
        QByteArray out;
        while (!out.contains("autosaved") && t.elapsed() < 60000) {
            child.waitForReadyRead(500);
            out += child.readAllStandardOutput();
        }
        QVERIFY2(out.contains("autosaved"), out.constData());
        child.kill();  // SIGKILL: no chance to clean up
        child.waitForFinished(10000);

        qputenv("XDG_DATA_HOME", home.path().toUtf8());
        const std::string source = QFileInfo(QStringLiteral(CTSW_SOURCE_SAMPLE_DIR)).absoluteFilePath().toStdString();
        LoadedVolume v = loadVolume(source);
        auto entry = findRecovery(source, v.info.id);
        QVERIFY(entry.has_value());
        LabelVolume recovered = readNiftiLabels(entry->maskPath, LabelMapping::named("identity"));
        std::size_t infection = 0;
        for (auto p : recovered.voxels()) infection += p == 2;
        QVERIFY2(infection > 100, qPrintable(QString::number(infection)));
    }

    // Run only as the child of crashRecoveryAfterKill.
    void childPaintsAndWaits() {
        if (qEnvironmentVariableIsEmpty("CTSW_TEST_PAINT_AND_AUTOSAVE")) QSKIP("runs only as a child process of crashRecoveryAfterKill");
        MainWindow w;
        QSignalSpy loaded(w.loader(), &VolumeLoader::loaded);
        w.openPath(QStringLiteral(CTSW_SOURCE_SAMPLE_DIR));
        QVERIFY(loaded.wait(30000));
        MaskEditModel* mask = w.maskModel();
        const int slice = w.sliceModel()->slice();
        w.applyAutomaticLungMask(false);
        mask->setActiveLabel(Label::Infection);
        mask->press(slice, 100, 180);
        mask->move(150, 180);
        mask->release();
        w.autosaveNow();
        QThreadPool::globalInstance()->waitForDone();
        std::printf("autosaved\n");
        std::fflush(stdout);
        QTest::qWait(120000);  // killed long before this
    }

    // Needs a real OpenGL surface: ctest runs it under xvfb-run (ui.surfaces3d); skipped offscreen.
    void surfaceViewBuildsLungAndInfectionSurfaces() {
        if (QGuiApplication::platformName() == QLatin1String("offscreen")) QSKIP("the 3D view needs a display (run under xvfb-run)");
        QTemporaryDir home;
        qputenv("XDG_DATA_HOME", home.path().toUtf8());
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QSignalSpy loaded(w.loader(), &VolumeLoader::loaded);
        w.openPath(QStringLiteral(CTSW_SOURCE_SAMPLE_DIR));
        QVERIFY(loaded.wait(30000));
        QVERIFY(w.surfaceView());
        QSignalSpy built(w.surfaceView(), &LabelSurfaceView::surfacesUpdated);
        w.applyAutomaticLungMask(true);
        MaskEditModel* mask = w.maskModel();
        mask->setActiveLabel(Label::Infection);
        mask->press(w.sliceModel()->slice(), 100, 180);
        mask->move(150, 180);
        mask->release();
        // Debounced: the many changes above give few rebuilds; wait for one with both labels.
        bool both = false;
        QElapsedTimer t;
        t.start();
        while (!both && t.elapsed() < 60000) {
            if (built.isEmpty() && !built.wait(5000)) continue;
            const auto args = built.takeLast();
            both = args.at(0).toInt() > 1000 && args.at(1).toInt() > 10;
            built.clear();
        }
        QVERIFY2(both, "no surface rebuild with lung and infection triangles");
        QVERIFY(w.surfaceView()->surfacesBuilt() >= 1);
        QVERIFY(!w.surfaceView()->grab().isNull());
    }

    void trainingStateMachineFollowsTheEventStream() {
        using S = TrainingController::State;
        TrainingController c;
        QSignalSpy points(&c, &TrainingController::lossPoint);
        QSignalSpy stages(&c, &TrainingController::stageStarted);
        QSignalSpy messages(&c, &TrainingController::message);
        c.handleOutput("{\"type\":\"started\",\"device\":\"CPU\",\"iterations_total\":100}\n{\"type\":\"progress\",\"phase\":\"gan\",\"scale\":0,\"scales\":2,");
        QCOMPARE(points.count(), 0);  // the second line is not complete yet
        c.handleOutput("\"size\":32,\"stage\":1,\"iteration\":5,\"iterations\":40,\"overall_iteration\":5,\"iterations_total\":100,"
                       "\"loss_d\":0.7,\"loss_wppl\":0.4,\"iterations_per_second\":10,\"eta_seconds\":9.5}\ngarbage\n");
        QCOMPARE(points.count(), 1);
        QCOMPARE(stages.count(), 1);
        QCOMPARE(points.at(0).at(1).toMap().value(QStringLiteral("wppl")).toDouble(), 0.4);
        QCOMPARE(c.progress().scale, 0);
        QCOMPARE(c.progress().iterations, 40);
        QVERIFY(std::any_of(messages.begin(), messages.end(), [](const QList<QVariant>& m) { return m.at(0).toString().contains(QStringLiteral("garbage")); }));
        c.handleEvent(Json::parse(R"({"type":"progress","phase":"gan","scale":0,"stage":2,"iteration":1,"overall_iteration":41})"));
        QCOMPARE(stages.count(), 2);  // a new stage boundary
        c.handleEvent(Json::parse(R"({"type":"failed","reason":"loss_wppl is NaN","hint":"lower the learning rate"})"));
        QCOMPARE(c.state(), S::Failed);
        QCOMPARE(c.failureReason(), QStringLiteral("loss_wppl is NaN"));
        QCOMPARE(c.failureHint(), QStringLiteral("lower the learning rate"));
        // A trainer that dies without a final event is a failure with a reason, too.
        TrainingController d;
        d.handleEvent(Json::parse(R"({"type":"started"})"));
        d.handleExit(0, true);
        QCOMPARE(d.state(), S::Failed);
        QVERIFY(d.failureReason().contains(QStringLiteral("crashed")));
        // The started event's device and precision reach the panel's messages.
        TrainingController p;
        QSignalSpy said(&p, &TrainingController::message);
        p.handleEvent(Json::parse(R"({"type":"started","device":"CPU, 2 threads","precision":"bf16 autocast from 128 px, fp32 below and in the losses"})"));
        QCOMPARE(said.count(), 1);
        QVERIFY(said.at(0).at(0).toString().contains(QStringLiteral("CPU, 2 threads — bf16 autocast from 128 px")));
        TrainingController f;
        f.handleEvent(Json::parse(R"({"type":"finished","path":"/x"})"));
        f.handleExit(0, false);
        QCOMPARE(f.state(), S::Finished);
    }

    void deviceReportBecomesOneLine() {
        bool cuda = false;
        const QString gpu = TrainingController::describeDevice(
            Json::parse(R"({"libtorch":"2.11.0","cuda":true,"cpu_threads":16,"gpus":[{"index":0,"name":"NVIDIA H200","memory_total_mib":143771,"memory_free_mib":143000}]})"), &cuda);
        QVERIFY(cuda);
        QCOMPARE(gpu, QStringLiteral("CUDA: NVIDIA H200, 140.4 GiB (139.6 GiB free) - LibTorch 2.11.0"));
        const QString cpu = TrainingController::describeDevice(Json::parse(R"({"libtorch":"1.13.0","cuda":false,"cpu_threads":2,"gpus":[]})"), &cuda);
        QVERIFY(!cuda);
        QCOMPARE(cpu, QStringLiteral("CPU, 2 threads - no GPU (LibTorch 1.13.0)"));
        // A GPU the LibTorch cannot use is named, so that the user knows why training is slow.
        const QString unused = TrainingController::describeDevice(
            Json::parse(R"({"libtorch":"1.13.0","cuda":false,"cpu_threads":2,"gpus":[{"name":"NVIDIA A100","memory_total_mib":40960,"memory_free_mib":40000}]})"));
        QVERIFY(unused.contains(QStringLiteral("NVIDIA A100")) && unused.contains(QStringLiteral("no CUDA")));
    }

    void trainingPanelNamesTheDeviceBeforeStart() {
        qputenv("CTSW_COSINGAN", QByteArray(COSINGAN_EXE));
        TrainingController c;
        QSignalSpy described(&c, &TrainingController::deviceDescribed);
        TrainingPanel panel(&c);
        QVERIFY(described.wait(30000));
        // This machine's answer, from the real tool: CPU with its threads, or CUDA with the GPU's name.
        const QString text = panel.deviceText();
        QVERIFY2(text.startsWith(QStringLiteral("Device: CPU, ")) || text.startsWith(QStringLiteral("Device: CUDA")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("LibTorch")));
        QCOMPARE(c.state(), TrainingController::State::Idle);
    }

    void pauseFreezesTheTrainerAndCancelDiscardsTheRun() {
        // The fast preset through the real child process, long enough to pause: a paused trainer is
        // stopped by the kernel (no events arrive), Continue resumes it, Cancel kills it and removes the run.
        using S = TrainingController::State;
        QTemporaryDir home;
        qputenv("XDG_DATA_HOME", home.path().toUtf8());
        qputenv("CTSW_COSINGAN", QByteArray(COSINGAN_EXE));
        MainWindow w;
        QVERIFY(openSampleReadyToTrain(w, home));
        TrainingController* c = w.training();
        QSignalSpy progress(c, &TrainingController::progressChanged);
        QVERIFY(w.startTraining(QStringLiteral("fast")).isEmpty());
        // Events come every 20 iterations; on a loaded CI machine that can take a minute or more.
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 180000);
        const qint64 pid = c->processId();
        QVERIFY(pid > 0);
        auto processState = [pid] {
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            if (!stat.open(QIODevice::ReadOnly)) return QChar('?');
            const QByteArray line = stat.readAll();
            const int close = line.lastIndexOf(')');
            return close > 0 && close + 2 < line.size() ? QChar(line.at(close + 2)) : QChar('?');
        };
        c->pause();
        QCOMPARE(c->state(), S::Paused);
        QTRY_COMPARE_WITH_TIMEOUT(processState(), QChar('T'), 5000);  // stopped by SIGSTOP
        QTest::qWait(300);  // events already in the pipe may still arrive
        progress.clear();
        QTest::qWait(2000);
        QCOMPARE(progress.count(), 0);
        QVERIFY(!c->stalled());  // a paused run is not a stalled one
        c->unpause();
        QCOMPARE(c->state(), S::Running);
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 180000);
        const QString run = c->modelDir();
        QVERIFY(QFileInfo::exists(run));
        c->cancel();
        QTRY_COMPARE_WITH_TIMEOUT(c->state(), S::Cancelled, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(run), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid)) || processState() == QChar('Z'), 10000);
    }

    void closingTheWorkbenchWhileTrainingStopsItWithACheckpoint() {
        // Leaving the workbench during training: the trainer gets SIGTERM, writes its checkpoint and
        // exits, and its last words must not reach the half-destroyed window.
        QTemporaryDir home;
        qputenv("XDG_DATA_HOME", home.path().toUtf8());
        qputenv("CTSW_COSINGAN", QByteArray(COSINGAN_EXE));
        auto w = std::make_unique<MainWindow>();
        QVERIFY(openSampleReadyToTrain(*w, home));
        QSignalSpy progress(w->training(), &TrainingController::progressChanged);
        QVERIFY(w->startTraining(QStringLiteral("fast")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 180000);
        const qint64 pid = w->training()->processId();
        const QString run = w->training()->modelDir();
        w.reset();
        QVERIFY(!QFileInfo::exists(QStringLiteral("/proc/%1/cmdline").arg(pid)) ||
                QFile(QStringLiteral("/proc/%1/cmdline").arg(pid)).size() == 0);
        QVERIFY(QFileInfo::exists(run + QStringLiteral("/config.json")));  // the run is kept for Resume
    }

    void watchdogFlagsASilentTrainer() {
        // A trainer that starts and then says nothing: the panel's watchdog reports it as possibly
        // stalled, and it clears once an event arrives or the run ends.
        QTemporaryDir dir;
        const QString script = dir.filePath(QStringLiteral("silent-trainer"));
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\necho '{\"type\":\"started\",\"device\":\"CPU\"}'\nexec sleep 60\n");
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("CTSW_COSINGAN", script.toUtf8());
        TrainingController c;
        c.setStallSeconds(1);
        QSignalSpy stalled(&c, &TrainingController::stalledChanged);
        c.start(dir.filePath(QStringLiteral("run")), {});
        QCOMPARE(c.state(), TrainingController::State::Running);
        QVERIFY(!c.stalled());
        QTRY_VERIFY_WITH_TIMEOUT(c.stalled(), 5000);
        QCOMPARE(stalled.count(), 1);
        QCOMPARE(stalled.at(0).at(0).toBool(), true);
        c.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), TrainingController::State::Cancelled, 10000);
        QVERIFY(!c.stalled());
        qputenv("CTSW_COSINGAN", QByteArray(COSINGAN_EXE));
    }

    void trainingFromTheWorkbenchStopsResumesAndFinishes() {
        // The smoke preset through the real child process: curves get points, Stop keeps a checkpoint,
        // Resume finishes, and the model synthesizes.
        QTemporaryDir home;
        qputenv("XDG_DATA_HOME", home.path().toUtf8());
        qputenv("CTSW_COSINGAN", QByteArray(COSINGAN_EXE));
        MainWindow w;
        QSignalSpy loaded(w.loader(), &VolumeLoader::loaded);
        w.openPath(QStringLiteral(CTSW_SOURCE_SAMPLE_DIR));
        QVERIFY(loaded.wait(30000));
        QVERIFY(w.saveDocumentAs(home.filePath(QStringLiteral("doc"))));
        QVERIFY(w.startTraining(QStringLiteral("smoke")).contains(QStringLiteral("no lung")));  // no mask yet: refused, with the reason
        w.applyAutomaticLungMask(false);
        TrainingController* c = w.training();
        QSignalSpy states(c, &TrainingController::stateChanged);
        QSignalSpy points(c, &TrainingController::lossPoint);
        QVERIFY(w.startTraining(QStringLiteral("smoke")).isEmpty());
        QCOMPARE(c->state(), TrainingController::State::Running);
        QVERIFY(c->modelDir().startsWith(home.filePath(QStringLiteral("doc/runs"))));
        QTRY_VERIFY_WITH_TIMEOUT(points.count() > 0 || c->state() != TrainingController::State::Running, 120000);
        if (c->state() == TrainingController::State::Running) {
            c->stop();
            QCOMPARE(c->state(), TrainingController::State::Stopping);  // shown at once
            QTRY_VERIFY_WITH_TIMEOUT(c->state() != TrainingController::State::Stopping, 60000);
            if (c->state() == TrainingController::State::Stopped) {
                QVERIFY(QFileInfo::exists(c->modelDir() + QStringLiteral("/checkpoint/state.json")) ||
                        QFileInfo::exists(c->modelDir() + QStringLiteral("/config.json")));
                c->resume();
            }
        }
        QTRY_VERIFY_WITH_TIMEOUT(c->state() == TrainingController::State::Finished || c->state() == TrainingController::State::Failed, 180000);
        QVERIFY2(c->state() == TrainingController::State::Finished, qPrintable(c->failureReason()));
        QVERIFY(w.trainingPanel()->pointCount(QStringLiteral("wppl")) > 0);
        const QString csv = home.filePath(QStringLiteral("curves.csv"));
        QVERIFY(w.trainingPanel()->exportCsv(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("wppl,"));
        gan::Synthesizer synth(c->modelDir().toStdString(), "cpu");
        QCOMPARE(synth.topSize(), 48);

        // The finished model feeds the preview gallery: 8 samples of the training slice's mask...
        PreviewGallery* g = w.gallery();
        QTRY_VERIFY_WITH_TIMEOUT(g->hasModel(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(g->sampleCount(), 8, 60000);
        QVERIFY(!g->sample(0).isNull());
        QVERIFY(g->sample(0) != g->sample(1));  // different seeds, different slices
        // ...which are synthesized again when the mask is edited (the newest request wins).
        QSignalSpy shown(g, &PreviewGallery::samplesShown);
        MaskEditModel* mask = w.maskModel();
        mask->setActiveLabel(Label::Infection);
        mask->press(w.sliceModel()->trainingSlice(), 100, 180);
        mask->move(150, 180);
        mask->release();
        QVERIFY(shown.wait(60000));

        // Export: image/mask pairs, NIfTI and manifests; the NIfTI reader reads the same masks back.
        const QString out = home.filePath(QStringLiteral("dataset"));
        QCOMPARE(w.exportDataset(out, 5, false, false), QString());
        const Json manifest = readJsonFile((out + QStringLiteral("/manifest.json")).toStdString());
        QCOMPARE(manifest.at("samples").size(), std::size_t(5));
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/manifest.csv")));
        for (const auto& sample : manifest.at("samples").asArray()) {
            const std::string png = (out + QStringLiteral("/")).toStdString() + sample.at("mask").asString();
            const std::string nii = (out + QStringLiteral("/")).toStdString() + sample.at("mask_nifti").asString();
            QVERIFY(readMaskSlice(png, LabelMapping::named("identity")).pixels() == extractSlice(readNiftiLabels(nii, LabelMapping::named("identity")), 0).pixels());
        }
        // A kept sample lands in the document's folder and is listed when the document is saved.
        QCOMPARE(w.keepSample(g->sample(0), extractSlice(*mask->labels(), w.sliceModel()->trainingSlice()), g->sampleSeed(0)), QString());
        QVERIFY(QFileInfo::exists(home.filePath(QStringLiteral("doc/kept/sample_seed%1_image.png").arg(g->sampleSeed(0)))));
        QVERIFY(w.saveDocument());
        QVERIFY(readDocumentInfo(home.filePath(QStringLiteral("doc")).toStdString()).extra.at("kept_samples").size() == 1);
        // An existing dataset is never overwritten without asking.
        QVERIFY(w.exportDataset(out, 1, false, false).contains(QStringLiteral("exists")));
        QVERIFY(!QDir(home.path()).entryList(QDir::Hidden | QDir::Dirs).join(QLatin1Char(' ')).contains(QStringLiteral(".partial")));

        // A judge (a small segmenter from the real MedSeg slices) flags every tile and every exported sample.
        QVERIFY(g->modelQualitySummary().isEmpty());  // nothing measured for this model yet
        QVERIFY(w.exportDataset(home.filePath(QStringLiteral("x")), 1, false, false, 0.5).contains(QStringLiteral("judge")));  // no judge set
        const QString judge = home.filePath(QStringLiteral("judge"));
        QProcess segTrain;
        segTrain.start(QStringLiteral(COSINGAN_EXE), {QStringLiteral("seg-train"), QStringLiteral("--train"), QStringLiteral(CTSW_DATA_DIR "/medseg-covid/train"),
                                                    QStringLiteral("--out"), judge, QStringLiteral("--size"), QStringLiteral("64"), QStringLiteral("--epochs"),
                                                    QStringLiteral("1"), QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY(segTrain.waitForFinished(300000));
        QVERIFY2(segTrain.exitCode() == 0, segTrain.readAllStandardError().constData());
        QVERIFY(g->setJudge(home.filePath(QStringLiteral("doc"))).length() > 0);  // not a segmentation model: refused with the reason
        QVERIFY(g->judgeDir().isEmpty());
        QSignalSpy judged(g, &PreviewGallery::samplesShown);
        QCOMPARE(g->setJudge(judge), QString());
        QVERIFY(judged.wait(60000));
        for (int i = 0; i < g->sampleCount(); ++i) {
            QVERIFY2(g->sampleFlag(i) == QStringLiteral("ok") || g->sampleFlag(i) == QStringLiteral("suspect"), qPrintable(g->sampleFlag(i)));
            QVERIFY2(g->sampleFlagDetails(i).contains(QStringLiteral("DSC lung")), qPrintable(g->sampleFlagDetails(i)));
        }
        const QString strict = home.filePath(QStringLiteral("strict"));
        QCOMPARE(w.exportDataset(strict, 3, false, false, 1.0), QString());
        const Json strictManifest = readJsonFile((strict + QStringLiteral("/manifest.json")).toStdString());
        QCOMPARE(g->lastExport().leftOut + g->lastExport().samples, 3);
        QVERIFY(g->lastExport().leftOut > 0);  // a judge this small never scores a perfect 1
        QCOMPARE(strictManifest.at("quality").at("left_out").asInt(), g->lastExport().leftOut);
        for (const auto& sample : strictManifest.at("samples").asArray()) QVERIFY(sample.at("quality").contains("flag"));
        QCOMPARE(g->setJudge({}), QString());
        QTRY_VERIFY_WITH_TIMEOUT(g->sampleFlag(0).isEmpty(), 60000);

        // Figures `cosingan quality` recorded in the model folder are shown with the previews.
        Json self = Json::object();
        self.set("ssim", 0.61);
        self.set("psnr", 21.5);
        Json report = Json::object();
        report.set("self", self);
        eval::recordQuality(c->modelDir().toStdString(), report);
        QCOMPARE(g->loadModel(c->modelDir()), QString());
        QVERIFY2(g->modelQualitySummary().contains(QStringLiteral("SSIM 0.61")), qPrintable(g->modelQualitySummary()));
        QVERIFY(!g->modelQualitySummary().contains(QStringLiteral("trained again")));

        // The Dataset panel: lesions like MedSeg's radiologists' on three slices of this series, two
        // samples each, as an nnU-Net dataset, through the same core code as `cosingan lesions` and
        // `synthesize`; then a cancelled run leaves nothing, and the request becomes a cluster run.
        DatasetPanel* d = w.datasetPanel();
        QVERIFY(d);
        d->setModel(c->modelDir());
        d->setJudge({});
        d->setMaskSource(DatasetPanel::MaskSource::Lesions);
        QVERIFY(d->start().contains(QStringLiteral("annotated masks")));  // no lesion source yet: refused, with the reason
        d->setLikeMasks(QStringLiteral(CTSW_DATA_DIR "/medseg-covid/train"));
        d->setSlices(14, 16);
        d->setLesionsPerSlice(1);
        d->setCountPerMask(2);
        d->setLayout(QStringLiteral("nnunet"));
        const QString nnRaw = home.filePath(QStringLiteral("nnUNet_raw"));
        d->setOutputFolder(nnRaw);
        QSignalSpy datasetDone(d, &DatasetPanel::finished);
        QCOMPARE(d->start(), QString());
        QVERIFY(d->isRunning());
        QVERIFY(datasetDone.wait(300000));
        QVERIFY2(datasetDone.at(0).at(0).toBool(), qPrintable(d->lastError()));
        QCOMPARE(d->lastLesionMasks(), 3);
        QCOMPARE(d->lastSamples(), 6);
        QCOMPARE(d->lastFolder(), nnRaw + QStringLiteral("/Dataset501_CoSinGAN"));
        const Json nnJson = readJsonFile((d->lastFolder() + QStringLiteral("/dataset.json")).toStdString());
        QCOMPARE(nnJson.at("numTraining").asInt(), 6);
        QCOMPARE(QDir(d->lastFolder() + QStringLiteral("/labelsTr")).entryList(QDir::Files).size(), 6);
        QVERIFY(d->shownThumbnails() > 0);
        // The labels are the generated lesion masks on this series' grid: infection only inside the lung.
        const Json nnManifest = readJsonFile((d->lastFolder() + QStringLiteral("/manifest.json")).toStdString());
        const LabelVolume label0 = readNiftiLabels((d->lastFolder() + QStringLiteral("/")).toStdString() + nnManifest.at("samples")[0].at("mask_nifti").asString(),
                                                   LabelMapping::named("identity"));
        QVERIFY(countLabels(label0.voxels()).perLabel[2] > 0);
        QVERIFY(QFileInfo::exists(nnRaw + QStringLiteral("-lesion-masks/manifest.json")));

        const QString cancelled = home.filePath(QStringLiteral("cancelled"));
        d->setLayout(QStringLiteral("product"));
        d->setOutputFolder(cancelled);
        QSignalSpy cancelDone(d, &DatasetPanel::finished);
        QCOMPARE(d->start(), QString());
        d->cancel();
        QVERIFY(cancelDone.wait(120000));
        QCOMPARE(cancelDone.at(0).at(0).toBool(), false);
        QCOMPARE(d->lastError(), QStringLiteral("cancelled"));
        QVERIFY(!QFileInfo::exists(cancelled));

        const QString cluster = d->writeClusterRun(home.filePath(QStringLiteral("cluster")));
        const Json run = readJsonFile((cluster + QStringLiteral("/run.json")).toStdString());
        QCOMPARE(run.at("train")[0].at("model").asString(), c->modelDir().toStdString());
        QCOMPARE(run.at("synthesize")[0].at("masks").size(), std::size_t(3));  // the lesion masks, made when the run was written
        QVERIFY(QFileInfo::exists(cluster + QStringLiteral("/synth.sbatch")));
    }

    void imageKeepsMostOfTheWindowAndDocksRememberTheirLayout() {
        QSettings().remove(QStringLiteral("window"));
        int trainingHeight = 0;
        {
            MainWindow w;
            w.resize(1180, 820);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            auto* training = w.findChild<QDockWidget*>(QStringLiteral("trainingDock"));
            QVERIFY(training);
            QTRY_VERIFY(training->height() > 0);
            QTest::qWait(100);  // the first layout pass sizes the docks
            QVERIFY2(w.sliceView()->height() > 1.5 * training->height(),
                     qPrintable(QStringLiteral("image %1 px, training dock %2 px").arg(w.sliceView()->height()).arg(training->height())));
            // The user makes the dock taller; the next window opens with that layout.
            w.resizeDocks({training}, {w.height() / 2}, Qt::Vertical);
            QTest::qWait(50);
            trainingHeight = training->height();
            QVERIFY(w.close());
        }
        MainWindow again;
        again.resize(1180, 820);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QTest::qWait(100);
        auto* training = again.findChild<QDockWidget*>(QStringLiteral("trainingDock"));
        QVERIFY2(std::abs(training->height() - trainingHeight) <= 8, qPrintable(QStringLiteral("%1 vs %2").arg(training->height()).arg(trainingHeight)));
        again.close();
        QSettings().remove(QStringLiteral("window"));
    }

    void mainWindowShowsAnErrorForANonDicomFolder() {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("notes.txt")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not an image");
        f.close();
        VolumeLoader loader;
        QSignalSpy failed(&loader, &VolumeLoader::failed);
        loader.start(dir.path());
        QVERIFY(failed.wait(10000));
        const QString msg = failed.at(0).at(0).toString();
        QVERIFY2(msg.contains(QStringLiteral("not a DICOM file")), qPrintable(msg));
    }
};

int main(int argc, char** argv) {
    ctsw::VtkOpenGLWidget::setDefaultSurfaceFormat();  // as the workbench does, before QApplication
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ct-synthesis-workbench-tests"));
    UiTest test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_ui.moc"
