// Preview latency: from a mask edit to 8 synthesized samples on screen, with a model of the `fast`
// architecture (its weights come from one iteration per stage: the timing depends on the
// architecture, not on the weights). Runs offscreen. Prints a table; not a test.
#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include "PreviewGallery.h"
#include "gan/Engine.h"

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTemporaryDir dir;
    ctsw::gan::GanConfig c = ctsw::gan::GanConfig::fromPreset("fast");
    c.stage1Iterations = c.stage1DecayStart = 1;
    c.stage2Iterations = c.stage2DecayStart = 1;
    c.unetIterations = 1;
    const int top = c.topSize();
    ctsw::Slice<float> image(top, top, -800.0f);
    ctsw::LabelSlice labels(top, top, 0);
    for (int y = top / 4; y < 3 * top / 4; ++y)
        for (int x = top / 8; x < 7 * top / 8; ++x) labels.at(x, y) = (x > top / 3 && x < top / 2 && y > top / 3 && y < top / 2) ? 2 : 1;
    ctsw::gan::TrainOptions o;
    o.config = c;
    o.modelDir = dir.filePath(QStringLiteral("model")).toStdString();
    o.device = "cpu";
    if (ctsw::gan::train(ctsw::gan::prepareTrainingPair(image, true, labels, top, -1250, 250), o) != ctsw::gan::TrainOutcome::Finished) return 1;
    ctsw::gan::setThreads(0);

    // The same 8 samples without the gallery, on the main thread and on a second thread.
    double mainThreadMs = 0, otherThreadMs = 0;
    {
        ctsw::gan::Synthesizer direct(dir.filePath(QStringLiteral("model")).toStdString(), "cpu");
        ctsw::gan::SynthesisOptions so;
        so.count = 8;
        direct.synthesize(labels, so);
        QElapsedTimer t;
        t.start();
        direct.synthesize(labels, so);
        mainThreadMs = static_cast<double>(t.elapsed());
        std::thread th([&] {
            direct.synthesize(labels, so);
            QElapsedTimer t2;
            t2.start();
            direct.synthesize(labels, so);
            otherThreadMs = static_cast<double>(t2.elapsed());
        });
        th.join();
    }
    ctsw::PreviewGallery gallery;
    gallery.resize(800, 400);
    if (!gallery.loadModel(dir.filePath(QStringLiteral("model"))).isEmpty()) return 1;
    QImage real(top, top, QImage::Format_Grayscale8);
    real.fill(0);
    std::vector<double> ms, synthMs;
    for (int run = 0; run < 8; ++run) {
        labels.at(top / 2 + run, top / 2) = 2;  // an edit
        QSignalSpy shown(&gallery, &ctsw::PreviewGallery::samplesShown);
        QElapsedTimer t;
        t.start();
        gallery.setSource(labels, real);  // debounced by 100 ms, as after a stroke
        if (!shown.wait(30000)) return 1;
        ms.push_back(static_cast<double>(t.elapsed()));
        synthMs.push_back(shown.at(0).at(1).toDouble() * 1000.0);
    }
    std::sort(ms.begin(), ms.end());
    std::sort(synthMs.begin(), synthMs.end());
    std::printf("bench_preview: fast architecture (%d px, ngf %d), 8 samples, %u hardware threads\n\n", top, c.ngf, std::thread::hardware_concurrency());
    std::printf("| from mask edit to 8 samples shown | min ms | median ms | target |\n|---|---:|---:|---|\n");
    std::printf("| including the debounce | %.0f | %.0f | <= 1000 ms |\n", ms.front(), ms[ms.size() / 2]);
    std::printf("| of which synthesis (worker thread) | %.0f | %.0f | |\n", synthMs.front(), synthMs[synthMs.size() / 2]);
    std::printf("| 8 samples, Synthesizer on the main thread | %.0f | | |\n", mainThreadMs);
    std::printf("| 8 samples, Synthesizer on another thread | %.0f | | |\n", otherThreadMs);
    return 0;
}
