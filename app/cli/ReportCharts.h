#pragma once
// PNG rendering of the evaluation report's bar charts and sample grids, with Qt's raster painter
// (no display needed: the offscreen platform).
#include <string>

#include "eval/Experiment.h"

namespace ctsw::cli {

void drawBarChart(const eval::BarChart& chart, const std::string& pngPath);
void drawImageGrid(const eval::ImageGrid& grid, const std::string& pngPath);

}  // namespace ctsw::cli
