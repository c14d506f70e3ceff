#include "gan/DatasetExport.h"

#include "image/Labels.h"

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

void writeManifests(const std::string& folder, const Json& manifest, const std::string& csv) {
    const fs::path dir(folder);
    std::ofstream mj(dir / "manifest.json");
    mj << manifest.dump(2) << "\n";
    std::ofstream mc(dir / "manifest.csv");
    mc << csv;
    mj.flush();
    mc.flush();
    if (!mj || !mc) throw std::runtime_error((dir / "manifest.json").string() + ": cannot write (disk full?)");
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

DatasetResult exportDataset(Synthesizer& synth, const std::vector<MaskInput>& masks, const std::string& folder, const DatasetOptions& options,
                            const DatasetWriters& writers, const JobContext& job) {
    const fs::path out = fs::absolute(folder);
    if (fs::exists(out) && !options.overwrite) throw std::runtime_error(out.string() + ": already exists; choose another folder or allow overwriting");
    const fs::path partial = partialFolderFor(out.string());
    std::error_code ec;
    const bool nifti = writers.writeNiftiImage && writers.writeNiftiMask;
    const GanConfig& cfg = synth.config();
    DatasetResult result;
    const auto t0 = std::chrono::steady_clock::now();
    try {
        fs::create_directories(partial / "images");
        fs::create_directories(partial / "masks");
        if (nifti) fs::create_directories(partial / "nifti");
        Json samples = Json::array();
        Json leftOut = Json::array();
        std::string csv = std::string("image,mask,image_nifti,mask_nifti,source_mask,seed,alpha,randomized_condition,dropout") +
                          (options.assess ? ",quality_flag,judge_dice_lung,judge_dice_infection" : "") + "\n";
        const int total = static_cast<int>(masks.size()) * options.synthesis.count;
        int index = 0;
        for (std::size_t m = 0; m < masks.size(); ++m) {
            // One sample at a time, so that progress and cancel respond within a sample.
            for (int k = 0; k < options.synthesis.count; ++k) {
                job.checkCancelled();
                SynthesisOptions one = options.synthesis;
                one.count = 1;
                one.seed = options.synthesis.seed + static_cast<std::uint64_t>(k);
                const int done = static_cast<int>(m) * options.synthesis.count + k + 1;
                auto reportDone = [&] { job.report(static_cast<double>(done) / std::max(1, total), "sample " + std::to_string(done) + " of " + std::to_string(total)); };
                SynthesizedSample r = std::move(synth.synthesize(masks[m].labels, one).front());
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
                char base[64];
                std::snprintf(base, sizeof base, "sample_%05d", index++);
                Slice<std::uint8_t> bytes(r.image.width(), r.image.height());
                Slice<float> hu(r.image.width(), r.image.height());
                for (std::size_t i = 0; i < bytes.pixels().size(); ++i) {
                    bytes.pixels()[i] = unitToByte(r.image.pixels()[i]);
                    hu.pixels()[i] = unitToHu(r.image.pixels()[i], cfg.huLow, cfg.huHigh);
                }
                const std::string imageFile = std::string("images/") + base + writers.imageExtension;
                const std::string maskFile = std::string("masks/") + base + writers.imageExtension;
                writers.writeImage8(bytes, (partial / imageFile).string());
                writers.writeImage8(r.labels, (partial / maskFile).string());
                std::string imageNifti, maskNifti;
                if (nifti) {
                    imageNifti = std::string("nifti/") + base + "_image.nii.gz";
                    maskNifti = std::string("nifti/") + base + "_mask.nii.gz";
                    writers.writeNiftiImage(hu, (partial / imageNifti).string());
                    writers.writeNiftiMask(r.labels, (partial / maskNifti).string());
                }
                Json s = Json::object();
                s.set("image", imageFile);
                s.set("mask", maskFile);
                if (nifti) {
                    s.set("image_nifti", imageNifti);
                    s.set("mask_nifti", maskNifti);
                }
                s.set("source_mask", masks[m].source);
                s.set("seed", static_cast<double>(r.seed));
                s.set("alpha", r.alpha < 0 ? Json() : Json(r.alpha));
                s.set("label_pixels", Json::arrayOf(countLabels(r.labels.pixels()).perLabel));
                if (options.assess) s.set("quality", assessed.quality);
                samples.push(s);
                csv += imageFile + "," + maskFile + "," + imageNifti + "," + maskNifti + "," + masks[m].source + "," + std::to_string(r.seed) + "," +
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
        manifest.set("samples", samples);
        writeManifests(partial.string(), manifest, csv);
        publishDataset(partial.string(), out.string());  // an existing `out` only with overwrite
        result.samples = index;
        result.leftOut = static_cast<int>(leftOut.size());
    } catch (...) {
        fs::remove_all(partial, ec);
        throw;
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result.folder = out.string();
    return result;
}

}  // namespace ctsw::gan
