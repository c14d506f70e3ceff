#pragma once
// The paper's evaluation protocol on the user's data (sections 3.2.3 and 3.3):
//  - CoSinGAN models of two training slices, and the baselines pix2pix (single scale, WPPL only) and
//    "enhanced" pix2pix (single scale, the mixed loss) of the same slices;
//  - training sets of equal size: Sin-TS, Two-TS, O-STS, RC-STS, IF-STS, OC-TS;
//  - U-Net and ENet segmentation and ResNet18 / ResNet50 classification trained on each set and
//    measured on real test slices, with 95 % confidence intervals;
//  - the image-quality score: segmenters trained on real data segment each generator's images.
// Writes a report folder (report.md, results.csv, config.json, plots and sample grids). Every model is
// kept in the folder, so a run that was stopped continues where it stopped. No LibTorch or Qt here.
#include <functional>
#include <string>
#include <vector>

#include "eval/Metrics.h"
#include "image/Volume.h"

namespace ctsw::eval {

// A bar chart for the report, drawn by the caller (the CLI renders PNG with Qt).
struct BarChart {
    std::string title, yLabel;
    std::vector<std::string> groups;               // x axis
    std::vector<std::string> series;               // one bar per series in each group
    std::vector<std::vector<Interval>> values;     // [series][group]; NaN mean = no bar
    double yMax = 1.0;
};

// A grid of 8-bit images with label outlines, for the report's sample grids.
struct ImageGrid {
    std::string title;
    std::vector<std::string> captions;
    std::vector<Slice<float>> images;  // 0..255
    std::vector<LabelSlice> labels;    // outlines drawn over the images (may be empty)
    int columns = 8;
    void add(Slice<float> image, LabelSlice outlines, std::string caption) {
        images.push_back(std::move(image));
        labels.push_back(std::move(outlines));
        captions.push_back(std::move(caption));
    }
};

struct ExperimentOptions {
    std::string protocol = "paper";  // "paper" or "smoke" (the whole pipeline on a few slices, minutes)
    std::string budget = "fast";     // smoke | fast (<= 2 h on 2 CPU cores at 256 px) | full
    std::string dataDir;             // holds medseg-covid/{train,test} and dicom/ (shared/data's layout)
    std::string trainDir, testDir;   // override: MedSeg-layout folders or manifests
    std::string negativesTrain, negativesTest;  // override: DICOM series of patients without COVID-19
    std::string outDir;
    int size = 256;
    int threads = 0;
    std::string precision = "auto";    // the U-Net segmenters' (FitOptions::precision)
    std::string device = "auto";       // for CoSinGAN training and synthesis
    std::string slice1, slice2;        // training-slice ids; empty = chosen (most infection)
    std::uint64_t seed = 1;
    std::function<void(const std::string&)> log;
    std::function<void(const BarChart&, const std::string& pngPath)> drawChart;  // optional
    std::function<void(const ImageGrid&, const std::string& pngPath)> drawGrid;   // optional
};

struct ExperimentResult {
    std::string reportPath;
    double seconds = 0;
};

ExperimentResult runExperiment(const ExperimentOptions& options);

}  // namespace ctsw::eval
