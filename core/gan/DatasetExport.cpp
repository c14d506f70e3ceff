#include "gan/DatasetExport.h"

#include "image/Labels.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ctsw::gan {

std::string partialFolderFor(const std::string& outFolder) {
    const fs::path out(outFolder);
    const fs::path partial = out.parent_path() / ("." + out.filename().string() + ".partial" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(partial, ec);
    return partial.string();
}

namespace {
void writeTextFile(const std::string& path, const std::string& text) {
    std::ofstream f(path);
    f << text;
    f.flush();
    if (!f) throw std::runtime_error(path + ": cannot write (disk full?)");
}
}  // namespace

void writeManifests(const std::string& folder, const Json& manifest, const std::string& csv) {
    const fs::path dir(folder);
    writeTextFile((dir / "manifest.json").string(), manifest.dump(2) + "\n");
    writeTextFile((dir / "manifest.csv").string(), csv);
}

void publishDataset(const std::string& partial, const std::string& out) {
    // A dataset being replaced is moved aside first and removed only once the new one has its name:
    // at every instant one complete dataset is under `out` or beside it.
    std::error_code ec;
    const fs::path old = fs::path(out).parent_path() / ("." + fs::path(out).filename().string() + ".replaced" + std::to_string(::getpid()));
    const bool replacing = fs::exists(out);
    if (replacing) fs::rename(out, old);
    fs::rename(partial, out, ec);
    if (ec) {
        if (replacing) fs::rename(old, out);
        throw std::runtime_error(out + ": cannot publish the dataset: " + ec.message());
    }
    if (replacing) fs::remove_all(old, ec);
}

std::string datasetFolder(const std::string& out, const DatasetLayout& layout) {
    if (layout.kind == "product" || layout.kind == "monai") return out;
    if (layout.kind != "nnunet") throw std::invalid_argument("unknown dataset layout \"" + layout.kind + "\" (product, nnunet, monai)");
    if (layout.datasetId < 1 || layout.datasetId > 999) throw std::invalid_argument("an nnU-Net dataset id is a number from 1 to 999");
    const bool nameOk = !layout.name.empty() && std::all_of(layout.name.begin(), layout.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    if (!nameOk) throw std::invalid_argument("an nnU-Net dataset name has letters, digits and _ only (got \"" + layout.name + "\")");
    char id[8];
    std::snprintf(id, sizeof id, "%03d", layout.datasetId);
    return (fs::path(out) / ("Dataset" + std::string(id) + "_" + layout.name)).string();
}

Geometry synthesizedGeometry(const Geometry& source, int topSize) {
    const int w = source.size[0], h = source.size[1], n = std::max(w, h);
    const double f = static_cast<double>(n) / topSize;  // source pixels per synthesized pixel
    Geometry g = source;
    g.size = {topSize, topSize, 1};
    g.spacing = {source.spacing[0] * f, source.spacing[1] * f, source.spacing[2]};
    // Centred padding as the model pads, then area resampling: output pixel i covers source pixels
    // [i f, (i + 1) f) of the padded grid, its centre at (i + 0.5) f - 0.5.
    g.origin = source.indexToPhysical(-((n - w) / 2) + 0.5 * f - 0.5, -((n - h) / 2) + 0.5 * f - 0.5, 0);
    return g;
}

SamplePaths samplePaths(const DatasetLayout& layout, int index, const std::string& extension, bool nifti) {
    char number[16];
    std::snprintf(number, sizeof number, "%05d", index);
    SamplePaths p;
    if (layout.kind == "nnunet") {
        p.imageNifti = "imagesTr/" + layout.name + "_" + number + "_0000.nii.gz";  // _0000: channel 0
        p.maskNifti = "labelsTr/" + layout.name + "_" + number + ".nii.gz";
    } else if (layout.kind == "monai") {
        p.imageNifti = std::string("images/sample_") + number + ".nii.gz";
        p.maskNifti = std::string("labels/sample_") + number + ".nii.gz";
    } else {
        const std::string base = std::string("sample_") + number;
        p.image8 = "images/" + base + extension;
        p.mask8 = "masks/" + base + extension;
        if (nifti) {
            p.imageNifti = "nifti/" + base + "_image.nii.gz";
            p.maskNifti = "nifti/" + base + "_mask.nii.gz";
        }
    }
    return p;
}

namespace {
Json labelsJson() {
    Json labels = Json::object();
    labels.set("background", 0);
    labels.set("lung", 1);
    labels.set("infection", 2);
    return labels;
}
}  // namespace

void writeLayoutIndex(const std::string& folder, const DatasetLayout& layout, const Json& samples, bool valuesAreHu, const std::string& description) {
    if (layout.kind == "nnunet") {
        Json channels = Json::object();
        channels.set("0", valuesAreHu ? "CT" : "grey");  // "CT" selects nnU-Net's CT normalisation; other names z-score
        Json d = Json::object();
        d.set("channel_names", channels);
        d.set("labels", labelsJson());
        d.set("numTraining", static_cast<double>(samples.size()));
        d.set("file_ending", ".nii.gz");
        d.set("name", layout.name);
        d.set("description", description);
        writeTextFile((fs::path(folder) / "dataset.json").string(), d.dump(2) + "\n");
    } else if (layout.kind == "monai") {
        Json training = Json::array();
        for (const Json& s : samples.asArray()) {
            Json entry = Json::object();
            entry.set("image", s.at("image_nifti"));
            entry.set("label", s.at("mask_nifti"));
            training.push(entry);
        }
        Json d = Json::object();
        d.set("description", description);
        d.set("labels", labelsJson());
        d.set("numTraining", static_cast<double>(samples.size()));
        d.set("training", training);
        writeTextFile((fs::path(folder) / "datalist.json").string(), d.dump(2) + "\n");
    }
}

DatasetResult exportDataset(Synthesizer& synth, const std::vector<MaskInput>& masks, const std::string& folder, const DatasetOptions& options,
                            const DatasetWriters& writers, const JobContext& job) {
    const DatasetLayout& layout = options.layout;
    const fs::path out = fs::absolute(datasetFolder(folder, layout));
    const bool nifti = writers.writeNiftiImage && writers.writeNiftiMask;
    if (layout.kind != "product" && !nifti) throw std::runtime_error("the " + layout.kind + " layout writes NIfTI, which this build cannot write");
    if (fs::exists(out) && !options.overwrite) throw std::runtime_error(out.string() + ": already exists; choose another folder or allow overwriting");
    fs::create_directories(out.parent_path());
    const fs::path partial = partialFolderFor(out.string());
    std::error_code ec;
    const GanConfig& cfg = synth.config();
    // NIfTI holds HU for models of CT slices and the grey levels for models of 8-bit images (HU would be invented).
    bool valuesAreHu = true;
    try {
        valuesAreHu = readModelInfo(options.modelPath).json.at("provenance").at("values_are_hu").asBool();
    } catch (const std::exception&) {
    }
    const int top = synth.topSize();
    Geometry unknownGrid;
    unknownGrid.size = {top, top, 1};
    DatasetResult result;
    const auto t0 = std::chrono::steady_clock::now();
    try {
        if (layout.kind == "product") {
            fs::create_directories(partial / "images");
            fs::create_directories(partial / "masks");
            if (nifti) fs::create_directories(partial / "nifti");
        } else {
            const SamplePaths p = samplePaths(layout, 0, writers.imageExtension, true);
            fs::create_directories(partial / fs::path(p.imageNifti).parent_path());
            fs::create_directories(partial / fs::path(p.maskNifti).parent_path());
        }
        Json samples = Json::array();
        int withoutGeometry = 0, bodyEstimated = 0;
        Json leftOut = Json::array();
        std::string csv = std::string("image,mask,image_nifti,mask_nifti,source_mask,seed,alpha,randomized_condition,dropout") +
                          (options.assess ? ",quality_flag,judge_dice_lung,judge_dice_infection" : "") + "\n";
        const int total = static_cast<int>(masks.size()) * options.synthesis.count;
        int index = 0;
        for (std::size_t m = 0; m < masks.size(); ++m) {
            if (!masks[m].geometry) ++withoutGeometry;
            // One sample at a time, so that progress and cancel respond within a sample.
            for (int k = 0; k < options.synthesis.count; ++k) {
                job.checkCancelled();
                SynthesisOptions one = options.synthesis;
                one.count = 1;
                one.seed = options.synthesis.seed + static_cast<std::uint64_t>(k);
                one.bodySource = masks[m].sourceSlice;
                one.bodySourceIsHu = masks[m].sourceIsHu;
                const int done = static_cast<int>(m) * options.synthesis.count + k + 1;
                auto reportDone = [&] { job.report(static_cast<double>(done) / std::max(1, total), "sample " + std::to_string(done) + " of " + std::to_string(total)); };
                SynthesizedSample r = std::move(synth.synthesize(masks[m].labels, one).front());
                if (r.bodyEstimated && k == 0) ++bodyEstimated;
                SampleAssessment assessed;
                if (options.assess) {
                    assessed = options.assess(r);
                    if (!assessed.keep) {
                        Json left = Json::object();
                        left.set("source_mask", masks[m].source);
                        left.set("seed", static_cast<double>(r.seed));
                        left.set("reason", assessed.reason);
                        left.set("quality", assessed.quality);
                        leftOut.push(left);
                        reportDone();
                        continue;
                    }
                }
                const SamplePaths paths = samplePaths(layout, index++, writers.imageExtension, nifti);
                Slice<std::uint8_t> bytes(r.image.width(), r.image.height());
                Slice<float> values(r.image.width(), r.image.height());
                for (std::size_t i = 0; i < bytes.pixels().size(); ++i) {
                    bytes.pixels()[i] = unitToByte(r.image.pixels()[i]);
                    values.pixels()[i] = valuesAreHu ? unitToHu(r.image.pixels()[i], cfg.huLow, cfg.huHigh) : static_cast<float>(bytes.pixels()[i]);
                }
                if (!paths.image8.empty()) {
                    writers.writeImage8(bytes, (partial / paths.image8).string());
                    writers.writeImage8(r.labels, (partial / paths.mask8).string());
                }
                if (!paths.imageNifti.empty()) {
                    const Geometry grid = masks[m].geometry ? synthesizedGeometry(*masks[m].geometry, top) : unknownGrid;
                    writers.writeNiftiImage(values, grid, (partial / paths.imageNifti).string());
                    writers.writeNiftiMask(r.labels, grid, (partial / paths.maskNifti).string());
                }
                Json s = Json::object();
                if (!paths.image8.empty()) {
                    s.set("image", paths.image8);
                    s.set("mask", paths.mask8);
                }
                if (!paths.imageNifti.empty()) {
                    s.set("image_nifti", paths.imageNifti);
                    s.set("mask_nifti", paths.maskNifti);
                }

                s.set("source_mask", masks[m].source);
                s.set("seed", static_cast<double>(r.seed));
                s.set("alpha", r.alpha < 0 ? Json() : Json(r.alpha));
                s.set("label_pixels", Json::arrayOf(countLabels(r.labels.pixels()).perLabel));
                if (options.assess) s.set("quality", assessed.quality);
                samples.push(s);
                csv += paths.image8 + "," + paths.mask8 + "," + paths.imageNifti + "," + paths.maskNifti + "," + masks[m].source + "," + std::to_string(r.seed) + "," +
                       (r.alpha < 0 ? std::string() : std::to_string(r.alpha)) + "," + (one.randomizedCondition ? "1" : "0") + "," + (one.dropout ? "1" : "0");
                if (options.assess) {
                    auto field = [&](const char* group, const char* key) {
                        const Json* g = assessed.quality.find(group);
                        const Json* v = g ? g->find(key) : nullptr;
                        return v && v->isNumber() ? std::to_string(v->asNumber()) : std::string();
                    };
                    csv += "," + assessed.quality.stringOr("flag", "") + "," + field("dice", "lung") + "," + field("dice", "infection");
                }
                csv += "\n";
                reportDone();
            }
        }
        Json manifest = Json::object();
        manifest.set("format", "cosingan-dataset");
        manifest.set("version", 1);
        manifest.set("model", options.modelPath);
        if (!options.secondModelPath.empty()) manifest.set("model2", options.secondModelPath);
        manifest.set("model_id", synth.modelId());
        manifest.set("precision", synth.precision());
        Json opts = Json::object();
        opts.set("count_per_mask", options.synthesis.count);
        opts.set("seed", static_cast<double>(options.synthesis.seed));
        opts.set("randomized_condition", options.synthesis.randomizedCondition);
        const auto& n = options.synthesis.conditionNoise;
        opts.set("rc_magnitudes", n ? Json::arrayOf(*n) : Json::arrayOf(std::vector<double>{cfg.rcBackground, cfg.rcLung, cfg.rcInfection}));
        opts.set("dropout", options.synthesis.dropout);
        opts.set("fusion", synth.hasSecondModel());
        opts.set("fusion_alpha", options.synthesis.fusionAlpha ? Json(*options.synthesis.fusionAlpha)
                                                             : (synth.hasSecondModel() ? Json("uniform [0, 1] per sample") : Json()));
        manifest.set("options", opts);
        manifest.set("size", synth.topSize());
        manifest.set("hu_window", Json::arrayOf(std::vector<double>{cfg.huLow, cfg.huHigh}));
        manifest.set("labels", "0 background, 1 lung, 2 infection");
        try {
            manifest.set("training_slice", readModelInfo(options.modelPath).json.at("provenance"));
        } catch (const std::exception&) {
        }
        if (options.assess) {
            Json q = options.assessment.isObject() ? options.assessment : Json::object();
            q.set("left_out", static_cast<double>(leftOut.size()));
            q.set("left_out_samples", leftOut);
            manifest.set("quality", q);
        }
        manifest.set("layout", layout.kind);
        manifest.set("nifti_values", valuesAreHu ? "HU" : "grey levels 0-255 (the model learned an 8-bit image)");
        manifest.set("geometry", !nifti ? std::string("no NIfTI written") : withoutGeometry == 0 ? std::string("each sample on its source slice's grid (spacing and position), resampled to the model's size")
                                                      : std::to_string(withoutGeometry) + " of " + std::to_string(masks.size()) +
                                                            " masks had no geometry (a PNG or NPY file): their samples have 1 mm pixels at the origin");
        if (synth.config().bodyCondition)
            manifest.set("body_outline", bodyEstimated == 0 ? std::string("from each mask's source slice")
                                                            : std::to_string(bodyEstimated) + " of " + std::to_string(masks.size()) +
                                                                  " masks had no source slice: their body outline was estimated from the lungs");
        manifest.set("samples", samples);
        writeLayoutIndex(partial.string(), layout, samples, valuesAreHu,
                         "CT slices synthesized by CoSinGAN (CT Synthesis Workbench) from model " + synth.modelId() + "; see manifest.json");
        writeManifests(partial.string(), manifest, csv);
        publishDataset(partial.string(), out.string());  // an existing `out` only with overwrite
        result.samples = index;
        result.leftOut = static_cast<int>(leftOut.size());
        result.bodyEstimated = bodyEstimated;
    } catch (...) {
        fs::remove_all(partial, ec);
        throw;
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result.folder = out.string();
    return result;
}

}  // namespace ctsw::gan
