// Editing benchmark: brush stamp time at 512x512, slice view repaint (image + mask overlay), and the
// automatic lung mask for one slice and for the 30-slice sample series. Prints a table; not a test.
// Runs offscreen (QT_QPA_PLATFORM=offscreen is set when no display is given).
#include <QApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "MaskEditModel.h"
#include "SliceView.h"
#include "SliceViewModel.h"
#include "io/ImageSource.h"
#include "mask/LabelEditor.h"
#include "mask/LungMask.h"

using Clock = std::chrono::steady_clock;

namespace {
template <typename F>
std::pair<double, double> minMedianMs(F&& f, int runs) {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        f(i);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return {ms.front(), ms[ms.size() / 2]};
}
}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const std::string sample = argc > 1 ? argv[1] : CTSW_SAMPLE_DIR;
    ctsw::LoadedVolume loaded = ctsw::loadVolume(sample);
    auto volume = std::make_shared<ctsw::CtVolume>(std::move(loaded.volume));
    const int z = volume->depth() / 2;
    std::printf("bench_mask: %s, %dx%dx%d\n\n", sample.c_str(), volume->width(), volume->height(), volume->depth());
    std::printf("| operation | min ms | median ms | target |\n|---|---:|---:|---|\n");

    ctsw::LabelVolume labels(volume->geometry(), 0);
    ctsw::mask::LabelEditor editor(labels, volume.get());
    ctsw::mask::PaintRules rules;
    for (double radius : {5.0, 20.0}) {
        // One stamp = one mouse event's worth of painting: a stroke segment of one radius.
        editor.beginStroke(z, ctsw::Label::Lung, radius, false, rules);
        editor.strokeTo(100, 100);
        auto t = minMedianMs([&](int i) { editor.strokeTo(100 + (i % 300), 100 + (i / 300) * 2 + radius * 0 + (i % 2)); }, 300);
        editor.endStroke();
        std::printf("| brush stamp, radius %.0f px (512^2) | %.3f | %.3f | <= 5 ms |\n", radius, t.first, t.second);
    }
    {
        auto t = minMedianMs([&](int) { editor.undo(); editor.redo(); }, 50);
        std::printf("| undo + redo of a stroke | %.3f | %.3f | |\n", t.first, t.second);
    }

    ctsw::SliceViewModel model;
    ctsw::MaskEditModel mask;
    model.setVolume(volume, true);
    auto shared = std::make_shared<ctsw::LabelVolume>(labels);
    mask.reset(volume, shared);
    ctsw::SliceView view(&model);
    view.setMaskModel(&mask);
    view.resize(800, 800);
    QImage target(800, 800, QImage::Format_ARGB32_Premultiplied);
    {
        // A repaint after a stroke: the overlay is rebuilt (new revision) and the widget painted.
        auto t = minMedianMs([&](int i) {
            mask.press(z, 200 + i, 200);
            mask.release();
            QPainter p(&target);
            view.render(&p);
        }, 60);
        std::printf("| repaint after a stroke (800x800 view, overlay) | %.2f | %.2f | <= 16 ms |\n", t.first, t.second);
        auto s = minMedianMs([&](int i) {
            model.setSlice(i % volume->depth());
            QPainter p(&target);
            view.render(&p);
        }, 60);
        std::printf("| repaint after a slice change | %.2f | %.2f | <= 16 ms |\n", s.first, s.second);
    }
    ctsw::mask::LungMaskOptions o;
    {
        auto t = minMedianMs([&](int) { ctsw::mask::automaticLungMask(ctsw::extractSlice(*volume, z), o); }, 20);
        std::printf("| automatic lung mask, one slice | %.2f | %.2f | <= 1000 ms |\n", t.first, t.second);
        auto v = minMedianMs([&](int) {
            for (int k = 0; k < volume->depth(); ++k) ctsw::mask::automaticLungMask(ctsw::extractSlice(*volume, k), o);
        }, 5);
        std::printf("| automatic lung mask, %d slices | %.1f | %.1f | |\n", volume->depth(), v.first, v.second);
    }
    return 0;
}
