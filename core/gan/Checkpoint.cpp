#include "gan/Checkpoint.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include "gan/Cascade.h"
#include "io/AtomicWrite.h"
#include "io/IoError.h"
#include "json/Json.h"

namespace fs = std::filesystem;

namespace ctsw::gan {

namespace {

constexpr const char* kFormat = "cosingan-checkpoint";

void saveFile(const CheckpointPart& part, const std::string& path) {
    if (part.module) store::saveModule(*part.module, path);
    else store::saveOptimizer(*part.optimizer, path);
}

void loadFile(const CheckpointPart& part, const std::string& path) {
    if (part.module) store::loadModule(*part.module, path);
    else store::loadOptimizer(*part.optimizer, path);
}

std::optional<Json> readState(const std::string& path, std::string& problem) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::nullopt;
    try {
        Json j = readJsonFile(path);
        if (!j.isObject() || !j.contains("scale") || !j.contains("stage") || !j.contains("iteration")) {
            problem = path + ": not a checkpoint state";
            return Json();
        }
        return j;
    } catch (const std::exception& e) {
        problem = e.what();
        return Json();
    }
}

}  // namespace

CheckpointModules ganCheckpointParts(torch::nn::Module& generator, torch::nn::Module& discriminator, torch::optim::Optimizer& generatorOptimizer,
                                     torch::optim::Optimizer& discriminatorOptimizer) {
    return {{"g.pt", &generator, nullptr}, {"d.pt", &discriminator, nullptr}, {"opt_g.pt", nullptr, &generatorOptimizer}, {"opt_d.pt", nullptr, &discriminatorOptimizer}};
}

void faultPoint(const char* name) {
    static const char* setting = std::getenv("CTSW_FAULT_KILL_AT");
    if (!setting) return;
    static std::mutex mutex;
    static std::map<std::string, int> passes;
    std::lock_guard<std::mutex> lock(mutex);
    const char* colon = std::strrchr(setting, ':');
    if (!colon || std::string(setting, colon) != name) return;
    if (++passes[name] == std::atoi(colon + 1)) ::kill(::getpid(), SIGKILL);
}

bool CheckpointFolder::exists() const {
    std::error_code ec;
    return fs::exists(fs::path(folder_) / "state.json", ec);
}

void CheckpointFolder::save(int scale, int stage, int iteration, const CheckpointModules& modules, const Json& progress) {
    const fs::path dir(folder_);
    fs::create_directories(dir);
    std::string problem;
    const std::optional<Json> current = readState((dir / "state.json").string(), problem);
    const int generation = current && current->isObject() ? static_cast<int>(current->numberOr("generation", 0)) + 1 : 1;
    const std::string name = "gen" + std::to_string(generation);
    const fs::path partial = dir / ("." + name + ".partial");
    std::error_code ec;
    fs::remove_all(partial, ec);
    fs::create_directories(partial);

    Json weights = Json::object();
    try {
        for (std::size_t i = 0; i < modules.size(); ++i) {
            const std::string path = (partial / modules[i].file).string();
            saveFile(modules[i], path);
            weights.set(modules[i].file, store::weightRecord(path));
            if (i == 0) faultPoint("checkpoint-files");
        }
    } catch (const std::exception& e) {
        fs::remove_all(partial, ec);
        const std::string kept = current && current->isObject() ? "the checkpoint at scale " + std::to_string(current->at("scale").asInt()) + " stage " +
                                                                      std::to_string(current->at("stage").asInt()) + " iteration " +
                                                                      std::to_string(current->at("iteration").asInt()) + " is kept"
                                                                : "no earlier checkpoint of this stage exists";
        throw std::runtime_error(std::string(e.what()) + "; " + kept);
    }
    fs::remove_all(dir / name, ec);
    fs::rename(partial, dir / name, ec);
    if (ec) throw std::runtime_error((dir / name).string() + ": cannot commit the checkpoint folder: " + ec.message());
    faultPoint("checkpoint-commit");

    Json state = Json::object();
    state.set("format", kFormat);
    state.set("version", 2);
    state.set("generation", generation);
    state.set("scale", scale);
    state.set("stage", stage);
    state.set("iteration", iteration);
    state.set("folder", name);
    state.set("weights", weights);
    if (!progress.isNull()) state.set("progress", progress);
    // The old state becomes the fallback first, then the new one is committed: a kill between the two
    // leaves both names pointing at complete checkpoints.
    if (current && current->isObject()) writeTextAtomically((dir / "previous.json").string(), current->dump(2) + "\n");
    writeTextAtomically((dir / "state.json").string(), state.dump(2) + "\n");

    // Folders no state names any more (older generations, partial writes of a killed run) go.
    std::string keep = current && current->isObject() ? current->stringOr("folder", "") : "";
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string f = entry.path().filename().string();
        if (entry.is_directory() && f != name && f != keep) fs::remove_all(entry.path(), ec);
    }
}

std::optional<int> CheckpointFolder::load(int scale, int stage, const CheckpointModules& modules, const std::function<void(const std::string&)>& warn,
                                          Json* progress) {
    const fs::path dir(folder_);
    std::string damage;
    for (const char* stateName : {"state.json", "previous.json"}) {
        const std::string statePath = (dir / stateName).string();
        std::string problem;
        std::optional<Json> state = readState(statePath, problem);
        if (!state) continue;
        if (!state->isObject()) {
            damage = problem;
            if (warn) warn("checkpoint state " + problem + "; trying the earlier checkpoint");
            continue;
        }
        if (state->at("scale").asInt() != scale || state->at("stage").asInt() != stage) continue;
        // Version 1 wrote the files straight into checkpoint/ without hashes.
        const bool legacy = !state->contains("folder");
        const fs::path files = legacy ? dir : dir / state->stringOr("folder", "");
        try {
            for (const CheckpointPart& part : modules) {
                if (!legacy) store::verifyWeightFile(files.string(), *state, part.file);
                loadFile(part, (files / part.file).string());
            }
            if (progress) *progress = state->contains("progress") ? state->at("progress") : Json();
            return state->at("iteration").asInt();
        } catch (const std::exception& e) {
            damage = e.what();
            if (warn) warn(std::string("damaged checkpoint: ") + e.what() + "; trying the earlier checkpoint");
        }
    }
    if (!damage.empty())
        throw std::runtime_error("no good checkpoint to resume scale " + std::to_string(scale) + " stage " + std::to_string(stage) + " from (" + damage +
                                 "); delete " + folder_ + " to restart that stage from its first iteration");
    return std::nullopt;
}

}  // namespace ctsw::gan
