#include "gan/DatasetMerge.h"

#include <algorithm>
#include "gan/DatasetExport.h"

#include <cstdio>
#include <filesystem>
#include <set>
#include <stdexcept>

namespace fs = std::filesystem;

namespace ctsw::gan {

namespace {

// The file entries of a sample, in the order exportDataset writes them.
const char* const kFileKeys[] = {"image", "mask", "image_nifti", "mask_nifti"};

// A manifest's file entry must stay inside its part folder: a relative path without "..".
bool safeRelative(const std::string& rel) {
    if (rel.empty()) return false;
    const fs::path p(rel);
    if (p.is_absolute()) return false;
    for (const auto& c : p)
        if (c == "..") return false;
    return true;
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string numberText(const Json& j) {
    if (!j.isNumber()) return {};
    char b[64];
    std::snprintf(b, sizeof b, "%.17g", j.asNumber());
    return b;
}

Json readManifest(const fs::path& folder) { return readJsonFile((folder / "manifest.json").string()); }

}  // namespace

PartCheck checkPart(const DatasetPart& part) {
    PartCheck c;
    c.name = part.name;
    c.folder = part.folder;
    const fs::path folder(part.folder);
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        c.state = PartCheck::State::Missing;
        c.detail = "no part folder " + folder.string();
        return c;
    }
    if (!fs::is_regular_file(folder / "manifest.json", ec)) {
        c.state = PartCheck::State::Unreadable;
        c.detail = (folder / "manifest.json").string() + " is missing";
        return c;
    }
    Json manifest;
    try {
        manifest = readManifest(folder);
        if (manifest.stringOr("format", "") != "cosingan-dataset") throw JsonError("not a cosingan-dataset manifest");
        if (!manifest.at("samples").isArray()) throw JsonError("\"samples\" is not an array");
    } catch (const std::exception& e) {
        c.state = PartCheck::State::Unreadable;
        c.detail = (folder / "manifest.json").string() + ": " + e.what();
        return c;
    }
    const Json& samples = manifest.at("samples");
    c.samples = static_cast<int>(samples.size());
    std::vector<std::string> problems;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const Json& s = samples[i];
        if (!s.isObject() || !((s.contains("image") && s.contains("mask")) || (s.contains("image_nifti") && s.contains("mask_nifti")))) {
            problems.push_back("sample " + std::to_string(i) + " names no image and mask");
            continue;
        }
        for (const char* key : kFileKeys) {
            const Json* f = s.find(key);
            if (!f || f->isNull() || (f->isString() && f->asString().empty())) continue;
            if (!f->isString() || !safeRelative(f->asString())) {
                problems.push_back("sample " + std::to_string(i) + " has an unusable \"" + key + "\" entry");
                continue;
            }
            if (!fs::is_regular_file(folder / f->asString(), ec)) c.missingFiles.push_back(f->asString());
        }
    }
    if (!problems.empty()) {
        c.state = PartCheck::State::Unreadable;
        c.detail = (folder / "manifest.json").string() + ": " + problems.front() +
                   (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more)" : std::string());
        return c;
    }
    std::string detail;
    if (part.expectedSamples >= 0 && c.samples != part.expectedSamples)
        detail = "lists " + std::to_string(c.samples) + " samples, expected " + std::to_string(part.expectedSamples);
    if (!c.missingFiles.empty()) {
        if (!detail.empty()) detail += "; ";
        detail += std::to_string(c.missingFiles.size()) + (c.missingFiles.size() == 1 ? " listed file is missing: " : " listed files are missing, first: ") +
                  (folder / c.missingFiles.front()).string();
    }
    c.state = detail.empty() ? PartCheck::State::Complete : PartCheck::State::Incomplete;
    c.detail = detail;
    return c;
}

MergeResult mergeParts(const std::vector<DatasetPart>& parts, const std::string& folderName, const MergeOptions& options) {
    const DatasetLayout& layout = options.layout;
    const bool product = layout.kind == "product";
    const fs::path out = fs::absolute(datasetFolder(folderName, layout));
    fs::create_directories(out.parent_path());
    if (fs::exists(out) && !options.overwrite) throw std::runtime_error(out.string() + ": already exists; choose another folder or allow overwriting");
    for (const auto& p : parts) {
        const PartCheck c = checkPart(p);
        if (!c.complete()) throw std::runtime_error(p.name + ": " + c.detail);
    }
    const fs::path partial = partialFolderFor(out.string());
    std::error_code ec;
    MergeResult result;
    try {
        fs::create_directories(partial);
        Json samples = Json::array();
        Json partList = Json::array();
        Json models = Json::array();
        std::set<std::string> seenModels;
        std::set<std::string> options_, sizes, windows;
        Json firstOptions, firstSize, firstWindow, labels;
        std::string csv = "image,mask,image_nifti,mask_nifti,source_mask,seed,alpha,randomized_condition,dropout,model,part\n";
        int index = 0;
        bool valuesAreHu = true;
        for (const auto& p : parts) {
            const fs::path src(p.folder);
            const Json m = readManifest(src);
            // Manifests before "nifti_values" was recorded held HU.
            if (m.stringOr("nifti_values", "HU").rfind("HU", 0) != 0) valuesAreHu = false;
            const Json opts = m.find("options") ? m.at("options") : Json::object();
            if (partList.size() == 0) {
                firstOptions = opts;
                firstSize = m.find("size") ? m.at("size") : Json();
                firstWindow = m.find("hu_window") ? m.at("hu_window") : Json();
                labels = m.find("labels") ? m.at("labels") : Json();
            }
            options_.insert(opts.dump());
            sizes.insert(m.find("size") ? m.at("size").dump() : "null");
            windows.insert(m.find("hu_window") ? m.at("hu_window").dump() : "null");
            const std::string model = m.stringOr("model", "");
            if (seenModels.insert(model).second) {
                Json mj = Json::object();
                mj.set("model", model);
                if (m.contains("model2")) mj.set("model2", m.at("model2"));
                mj.set("model_id", m.find("model_id") ? m.at("model_id") : Json());
                if (m.contains("training_slice")) mj.set("training_slice", m.at("training_slice"));
                models.push(mj);
            }
            Json pj = Json::object();
            pj.set("name", p.name);
            pj.set("folder", fs::absolute(src).string());
            pj.set("first_sample", index);
            pj.set("samples", static_cast<int>(m.at("samples").size()));
            pj.set("model", model);
            pj.set("size", m.find("size") ? m.at("size") : Json());
            pj.set("options", opts);
            for (const auto& [k, v] : p.sampleInfo.asObject()) pj.set(k, v);
            partList.push(pj);

            for (const Json& s : m.at("samples").asArray()) {
                if (!product && !(s.find("image_nifti") && s.at("image_nifti").isString() && !s.at("image_nifti").asString().empty()))
                    throw std::runtime_error(p.name + ": its samples have no NIfTI files, which the " + layout.kind + " layout is made of");
                const SamplePaths target = samplePaths(layout, index, "", true);
                char base[64];
                std::snprintf(base, sizeof base, "sample_%05d", index++);
                // The old name's stem ("sample_00003" of "images/sample_00003.png") is replaced, so that
                // "nifti/sample_00003_image.nii.gz" becomes "nifti/sample_00042_image.nii.gz".
                const std::string first = s.find("image") ? s.at("image").asString() : s.at("image_nifti").asString();
                const std::string oldImage = fs::path(first).filename().string();
                const std::string oldBase = oldImage.substr(0, oldImage.find('.'));
                Json ns = Json::object();
                std::string files[4];
                for (const auto& [k, v] : s.asObject())
                    if (product || std::find(std::begin(kFileKeys), std::end(kFileKeys), k) == std::end(kFileKeys)) ns.set(k, v);
                for (int f = 0; f < 4; ++f) {
                    if (!product && f < 2) continue;  // the NIfTI layouts hold no 8-bit pair
                    const Json* e = s.find(kFileKeys[f]);
                    if (!e || !e->isString() || e->asString().empty()) continue;
                    const fs::path rel(e->asString());
                    const std::string name = rel.filename().string();
                    const std::string newName = (!oldBase.empty() && name.rfind(oldBase, 0) == 0) ? base + name.substr(oldBase.size()) : std::string(base) + "_" + name;
                    const fs::path newRel = product ? rel.parent_path() / newName : fs::path(f == 2 ? target.imageNifti : target.maskNifti);
                    fs::create_directories((partial / newRel).parent_path());
                    bool linked = false;
                    if (!options.copy) {
                        fs::create_hard_link(src / rel, partial / newRel, ec);
                        linked = !ec;
                    }
                    if (!linked) fs::copy_file(src / rel, partial / newRel);  // throws naming the file
                    ++(linked ? result.linkedFiles : result.copiedFiles);
                    files[f] = newRel.generic_string();
                    ns.set(kFileKeys[f], files[f]);
                }
                ns.set("part", p.name);
                ns.set("part_image", first);
                ns.set("model", model);
                for (const auto& [k, v] : p.sampleInfo.asObject()) ns.set(k, v);
                samples.push(ns);
                csv += csvField(files[0]) + "," + csvField(files[1]) + "," + csvField(files[2]) + "," + csvField(files[3]) + "," +
                       csvField(s.stringOr("source_mask", "")) + "," + numberText(s.find("seed") ? s.at("seed") : Json()) + "," +
                       numberText(s.find("alpha") ? s.at("alpha") : Json()) + "," + (opts.boolOr("randomized_condition", false) ? "1" : "0") + "," +
                       (opts.boolOr("dropout", false) ? "1" : "0") + "," + csvField(model) + "," + csvField(p.name) + "\n";
            }
            ++result.parts;
        }
        Json manifest = Json::object();
        manifest.set("format", "cosingan-dataset");
        manifest.set("version", 1);
        manifest.set("merged", true);
        // One model: the same top-level keys as a single export, so readers of those keep working.
        if (models.size() == 1) {
            manifest.set("model", models[0].at("model"));
            manifest.set("model_id", models[0].at("model_id"));
            if (models[0].contains("training_slice")) manifest.set("training_slice", models[0].at("training_slice"));
        }
        manifest.set("models", models);
        // Keys every part agrees on are kept at the top; where parts differ, each part's entry has its own.
        if (options_.size() == 1) manifest.set("options", firstOptions);
        if (sizes.size() == 1) manifest.set("size", firstSize);
        if (windows.size() == 1) manifest.set("hu_window", firstWindow);
        manifest.set("labels", labels.isNull() ? Json("0 background, 1 lung, 2 infection") : labels);
        for (const auto& [k, v] : options.info.asObject()) manifest.set(k, v);
        manifest.set("parts", partList);
        manifest.set("layout", layout.kind);
        manifest.set("samples", samples);
        writeLayoutIndex(partial.string(), layout, samples, valuesAreHu,
                         "CT slices synthesized by CoSinGAN (CT Synthesis Workbench), merged from " + std::to_string(parts.size()) + " parts; see manifest.json");
        writeManifests(partial.string(), manifest, csv);
        publishDataset(partial.string(), out.string());  // an existing `out` only with overwrite
        result.samples = index;
    } catch (...) {
        fs::remove_all(partial, ec);
        throw;
    }
    result.folder = out.string();
    return result;
}

}  // namespace ctsw::gan
