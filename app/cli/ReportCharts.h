#pragma once
// PNG rendering of the evaluation report's bar charts and sample grids, with Qt's raster painter
// (no display needed: the offscreen platform).
#include <string>

#include "eval/Experiment.h"

namespace ctsw::cli {

// Qt's painter needs a QGuiApplication for fonts: one offscreen, for the lifetime of this object (it
// must end before main returns; a static one would be destroyed after Qt's own statics).
class ReportCanvas {
public:
    ReportCanvas();
    ~ReportCanvas();
    ReportCanvas(const ReportCanvas&) = delete;
    ReportCanvas& operator=(const ReportCanvas&) = delete;

private:
    struct Impl;
    Impl* impl_;
};

// Both need a live ReportCanvas.
void drawBarChart(const eval::BarChart& chart, const std::string& pngPath);
void drawImageGrid(const eval::ImageGrid& grid, const std::string& pngPath);

}  // namespace ctsw::cli
