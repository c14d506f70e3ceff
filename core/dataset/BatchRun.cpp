#include "dataset/BatchRun.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>
#include <sstream>
#include <stdexcept>

#include "gan/Engine.h"
#include "gan/GanConfig.h"
#include "io/AtomicWrite.h"
#include "io/IoError.h"
#include "io/MaskLists.h"

namespace fs = std::filesystem;

namespace ctsw::batch {

namespace {
const char* kRunFormat = "cosingan-batch-run";
}  // namespace

std::string nowIso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return b;
}


std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}


std::string taskName(const std::string& stage, int index) {
    char b[48];
    std::snprintf(b, sizeof b, "%s-%04d", stage == "train" ? "train" : "synth", index);
    return b;
}

// Written under a temporary name in the same folder and renamed, so a reader never sees half a file.

ProcessResult runProcess(const std::vector<std::string>& argv, bool quiet) {
    ProcessResult r;
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::dup2(fds[1], 1);
        if (quiet) {
            const int null = ::open("/dev/null", O_WRONLY);
            if (null >= 0) ::dup2(null, 2);
        }
        ::close(fds[0]);
        ::close(fds[1]);
        std::vector<char*> cargv;
        for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
        cargv.push_back(nullptr);
        ::execvp(cargv[0], cargv.data());
        _exit(127);
    }
    ::close(fds[1]);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) r.out.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return r;
}


std::string commandLine(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        s += a.find_first_of(" '\"$\\;&|<>()*?#~`") == std::string::npos && !a.empty() ? a : shellQuote(a);
    }
    return s;
}

// "0-3" for a contiguous run, else "0,2,5".

std::string arraySpec(const std::vector<int>& indices) {
    if (indices.empty()) return {};
    bool contiguous = true;
    for (std::size_t i = 1; i < indices.size(); ++i) contiguous = contiguous && indices[i] == indices[i - 1] + 1;
    if (contiguous) return indices.size() == 1 ? std::to_string(indices[0]) : std::to_string(indices.front()) + "-" + std::to_string(indices.back());
    std::string s;
    for (int i : indices) s += (s.empty() ? "" : ",") + std::to_string(i);
    return s;
}


// ---------------------------------------------------------------- the plan

namespace {

fs::path resolve(const fs::path& base, const std::string& p) {
    if (p.empty()) return {};
    fs::path path(p);
    if (path.is_relative()) path = base / path;
    return fs::absolute(path).lexically_normal();
}

void checkKeys(const Json& object, const std::set<std::string>& allowed, const std::string& where, const std::string& planFile) {
    if (!object.isObject()) throw IoError(planFile, where + " must be a JSON object");
    for (const auto& [k, v] : object.asObject())
        if (!allowed.count(k)) throw IoError(planFile, where + ": unknown key \"" + k + "\"");
}

std::string safeName(std::string s) {
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
    return s.empty() ? "slice" : s;
}

std::string stemOf(const fs::path& p) {
    std::string name = p.filename().string();
    for (const char* ext : {".nii.gz", ".nii", ".png", ".npy", ".jpg", ".jpeg", ".dcm"})
        if (name.size() > std::strlen(ext) && name.compare(name.size() - std::strlen(ext), std::string::npos, ext) == 0)
            return name.substr(0, name.size() - std::strlen(ext));
    return name;
}

std::vector<std::string> collectMasks(const Json& spec, const fs::path& base, const std::string& planFile) {
    std::vector<std::string> masks;
    auto addOne = [&](const std::string& p) {
        const fs::path path = resolve(base, p);
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            const auto found = maskFilesInFolder(path.string());
            masks.insert(masks.end(), found.begin(), found.end());
        } else if (!isMaskFile(path.string()) && fs::is_regular_file(path, ec)) {
            const auto listed = readMaskList(path.string());
            masks.insert(masks.end(), listed.begin(), listed.end());
        } else {
            masks.push_back(path.string());
        }
    };
    if (spec.isString()) {
        addOne(spec.asString());
    } else if (spec.isArray()) {
        for (const auto& m : spec.asArray()) {
            if (!m.isString()) throw IoError(planFile, "\"masks\" entries must be paths");
            addOne(m.asString());
        }
    } else {
        throw IoError(planFile, "\"synthesize\".\"masks\" must be a folder, a list file, or an array of paths");
    }
    if (masks.empty()) throw IoError(planFile, "no masks to synthesize from");
    for (const auto& m : masks)
        if (!fs::exists(m)) throw IoError(m, "no such mask file (listed in " + planFile + ")");
    return masks;
}


// The run.json of a plan; the lesion masks, when the plan asks for them, go into RUN/lesions.
Json expandPlan(const std::string& planFile, const fs::path& run, const Resources& res, int masksPerTaskOverride, const std::string& cosingan,
                const LesionGenerator& lesions) {
    Json plan;
    try {
        plan = readJsonFile(planFile);
    } catch (const std::exception& e) {
        throw IoError(planFile, e.what());
    }
    checkKeys(plan, {"name", "preset", "config", "seed", "train", "synthesize", "lesions"}, "the plan", planFile);
    const fs::path base = fs::absolute(planFile).parent_path();
    const std::string preset = plan.stringOr("preset", "fast");
    gan::GanConfig::fromPreset(preset);  // throws for an unknown preset before anything is queued
    const std::string config = plan.contains("config") ? resolve(base, plan.at("config").asString()).string() : std::string();
    if (!config.empty() && !fs::is_regular_file(config)) throw IoError(config, "no such config file (named in " + planFile + ")");

    if (!plan.contains("train") || !plan.at("train").isArray() || plan.at("train").size() == 0)
        throw IoError(planFile, "\"train\" must list at least one training slice ({\"image\": ..., \"mask\": ...}) or trained model ({\"model\": ...})");
    Json train = Json::array();
    std::set<std::string> names;
    for (std::size_t i = 0; i < plan.at("train").size(); ++i) {
        const Json& t = plan.at("train")[i];
        const std::string where = "train[" + std::to_string(i) + "]";
        checkKeys(t, {"name", "image", "mask", "mapping", "orient", "slice", "series", "seed", "model"}, where, planFile);
        if (t.contains("model")) {
            // A model trained before (in the workbench, say): its training task is done from the start.
            const fs::path model = resolve(base, t.at("model").asString());
            bool complete = false;
            try {
                complete = gan::readModelInfo(model.string()).complete;
            } catch (const std::exception& e) {
                throw IoError(model.string(), std::string("is not a usable model (") + where + " of " + planFile + "): " + e.what());
            }
            if (!complete) throw IoError(model.string(), "is not a complete model (" + where + " of " + planFile + "); finish its training first");
            std::string name = safeName(t.stringOr("name", model.filename().string()));
            if (names.count(name)) throw IoError(planFile, where + ": the name \"" + name + "\" is used twice");
            names.insert(name);
            Json e = Json::object();
            e.set("name", name);
            e.set("model", model.string());
            train.push(e);
            continue;
        }
        if (!t.contains("image") || !t.contains("mask")) throw IoError(planFile, where + " needs \"image\" and \"mask\", or \"model\"");
        const fs::path image = resolve(base, t.at("image").asString()), mask = resolve(base, t.at("mask").asString());
        if (!fs::exists(image)) throw IoError(image.string(), "no such image (" + where + " of " + planFile + ")");
        if (!fs::exists(mask)) throw IoError(mask.string(), "no such mask (" + where + " of " + planFile + ")");
        std::string name;
        if (t.contains("name")) {
            name = safeName(t.at("name").asString());
            if (names.count(name)) throw IoError(planFile, where + ": the name \"" + name + "\" is used twice");
        } else {
            name = safeName(stemOf(image));
            for (int k = 2; names.count(name); ++k) name = safeName(stemOf(image)) + "-" + std::to_string(k);
        }
        names.insert(name);
        Json e = Json::object();
        e.set("name", name);
        e.set("image", image.string());
        e.set("mask", mask.string());
        e.set("mapping", t.stringOr("mapping", "identity"));
        e.set("orient", t.stringOr("orient", ""));
        e.set("slice", t.contains("slice") ? t.at("slice").asInt() : -1);
        e.set("series", t.stringOr("series", ""));
        e.set("preset", preset);
        e.set("config", config);
        if (t.contains("seed")) e.set("seed", t.at("seed").asInt());
        else if (plan.contains("seed")) e.set("seed", plan.at("seed").asInt());
        train.push(e);
    }

    if (!plan.contains("synthesize")) throw IoError(planFile, "\"synthesize\" is missing (the masks to synthesize from)");
    const Json& s = plan.at("synthesize");
    if (s.contains("masks") == plan.contains("lesions"))
        throw IoError(planFile, "give the masks to synthesize from as \"synthesize\".\"masks\" or generate them with \"lesions\", one of the two");
    checkKeys(s, {"masks", "mapping", "orient", "slice", "count", "seed", "masks_per_task", "randomized_condition", "dropout", "rc_magnitudes"}, "synthesize",
              planFile);
    std::vector<std::string> masks;
    if (plan.contains("lesions")) {
        checkKeys(plan.at("lesions"), {"image", "series", "slices", "like", "like_mapping", "count", "burden", "peripheral", "seed", "min_lung"}, "lesions", planFile);
        if (!lesions) throw IoError(planFile, "\"lesions\" needs the full build of cosingan (this one cannot read CT to place lesions in)");
        try {
            masks = lesions(plan.at("lesions"), base.string(), (run / "lesions").string());
        } catch (const JsonError& e) {
            throw IoError(planFile, std::string("\"lesions\": ") + e.what());
        }
    } else {
        masks = collectMasks(s.at("masks"), base, planFile);
    }
    const int count = s.contains("count") ? s.at("count").asInt() : 8;
    if (count < 1) throw IoError(planFile, "\"count\" must be at least 1");
    int perTask = masksPerTaskOverride > 0 ? masksPerTaskOverride : (s.contains("masks_per_task") ? s.at("masks_per_task").asInt() : static_cast<int>(masks.size()));
    if (perTask < 1) throw IoError(planFile, "\"masks_per_task\" must be at least 1");
    std::string rc;
    if (s.contains("rc_magnitudes")) {
        const Json& m = s.at("rc_magnitudes");
        if (!m.isArray() || m.size() != 3) throw IoError(planFile, "\"rc_magnitudes\" must be three numbers");
        char b[96];
        std::snprintf(b, sizeof b, "%.17g,%.17g,%.17g", m[0].asNumber(), m[1].asNumber(), m[2].asNumber());
        rc = b;
    }
    Json synth = Json::array();
    for (std::size_t m = 0; m < train.size(); ++m) {
        for (std::size_t first = 0; first < masks.size(); first += static_cast<std::size_t>(perTask)) {
            Json e = Json::object();
            e.set("model", static_cast<int>(m));
            e.set("masks", Json::arrayOf(std::vector<std::string>(masks.begin() + static_cast<long>(first),
                                                                   masks.begin() + static_cast<long>(std::min(masks.size(), first + perTask)))));
            e.set("count", count);
            e.set("seed", s.contains("seed") ? s.at("seed").asInt() : 1);
            e.set("mapping", s.stringOr("mapping", "identity"));
            e.set("orient", s.stringOr("orient", ""));
            e.set("slice", s.contains("slice") ? s.at("slice").asInt() : -1);
            e.set("randomized_condition", s.boolOr("randomized_condition", true));
            e.set("dropout", s.boolOr("dropout", false));
            e.set("rc_magnitudes", rc);
            synth.push(e);
        }
    }

    Json r = Json::object();
    r.set("format", kRunFormat);
    r.set("version", 1);
    r.set("name", safeName(plan.stringOr("name", run.filename().string())));
    r.set("plan", fs::absolute(planFile).string());
    r.set("created", nowIso());
    r.set("cosingan", cosingan);
    Json rj = Json::object();
    rj.set("gpu", res.gpu);
    rj.set("cpus_per_task", res.cpus);
    rj.set("partition", res.partition);
    rj.set("time_train", res.timeTrain);
    rj.set("time_synthesize", res.timeSynth);
    rj.set("mem", res.mem);
    rj.set("account", res.account);
    rj.set("max_parallel", res.maxParallel);
    r.set("resources", rj);
    r.set("train", train);
    r.set("synthesize", synth);
    r.set("submissions", Json::array());
    return r;
}

}  // namespace

std::string scriptFor(const Run& run, const std::string& stage) {
    const Json& res = run.json.at("resources");
    const bool gpu = res.boolOr("gpu", false);
    const int cpus = static_cast<int>(res.numberOr("cpus_per_task", 1));
    std::string s = "#!/bin/bash\n";
    s += "# " + std::string(stage == "train" ? "Training: one array task per training slice" : "Synthesis: one array task per model and group of masks") +
         ".\n# Written by `cosingan batch submit` for the run in " + run.dir +
         ".\n# Edit the #SBATCH lines if needed; `cosingan batch resubmit` submits what is not done with this script.\n";
    s += "#SBATCH --cpus-per-task=" + std::to_string(cpus) + "\n";
    if (gpu) s += "#SBATCH --gres=gpu:1\n";
    const std::string time = res.stringOr(stage == "train" ? "time_train" : "time_synthesize", "");
    if (!time.empty()) s += "#SBATCH --time=" + time + "\n";
    if (!res.stringOr("partition", "").empty()) s += "#SBATCH --partition=" + res.stringOr("partition", "") + "\n";
    if (!res.stringOr("mem", "").empty()) s += "#SBATCH --mem=" + res.stringOr("mem", "") + "\n";
    if (!res.stringOr("account", "").empty()) s += "#SBATCH --account=" + res.stringOr("account", "") + "\n";
    // A training task stopped by a time limit or preemption checkpoints; requeued, it resumes.
    if (stage == "train") s += "#SBATCH --requeue\n#SBATCH --signal=B:TERM@120\n";
    s += "set -eu\n";
    s += "exec " + shellQuote(run.json.at("cosingan").asString()) + " batch task " + shellQuote(run.dir) + " " + stage +
         " \"$SLURM_ARRAY_TASK_ID\" --device " + (gpu ? "cuda" : "cpu") + " --threads " + std::to_string(cpus) + "\n";
    return s;
}


std::vector<std::string> sbatchCommand(const Run& run, const std::string& stage, const std::vector<int>& indices, const std::string& afterJob) {
    std::string array = arraySpec(indices);
    const int maxParallel = static_cast<int>(run.json.at("resources").numberOr("max_parallel", 0));
    if (maxParallel > 0) array += "%" + std::to_string(maxParallel);
    const std::string short_ = stage == "train" ? "train" : "synth";
    std::vector<std::string> cmd{"sbatch", "--parsable", "--job-name=cosingan-" + short_ + "-" + run.json.stringOr("name", "run"),
                                 "--output=" + (fs::path(run.dir) / "logs" / (short_ + "-%A_%a.out")).string(), "--array=" + array};
    if (!afterJob.empty()) {
        cmd.push_back("--dependency=afterok:" + afterJob);
        cmd.push_back("--kill-on-invalid-dep=yes");
    }
    cmd.push_back((fs::path(run.dir) / (stage == "train" ? "train.sbatch" : "synth.sbatch")).string());
    return cmd;
}

Submission submitArray(Run& run, const std::string& stage, const std::vector<int>& indices, const std::string& afterJob, bool dry) {
    Submission sub;
    sub.stage = stage;
    sub.array = arraySpec(indices);
    sub.after = afterJob;
    sub.command = sbatchCommand(run, stage, indices, afterJob);
    if (dry) return sub;
    const ProcessResult r = runProcess(sub.command);
    if (r.exitCode == 127) throw IoError("sbatch", "not found: is this a SLURM login node? (a dry run writes the run without submitting)");
    std::string id = r.out.substr(0, r.out.find_first_of(";\n"));
    if (r.exitCode != 0 || id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
        throw IoError("sbatch", "failed (exit " + std::to_string(r.exitCode) + ") for " + commandLine(sub.command));
    Json entry = Json::object();
    entry.set("stage", stage);
    entry.set("job", id);
    entry.set("array", arraySpec(indices));
    if (!afterJob.empty()) entry.set("after", afterJob);
    entry.set("submitted", nowIso());
    Json subs = run.json.at("submissions");
    subs.push(entry);
    run.json.set("submissions", subs);
    run.save();
    sub.jobId = id;
    return sub;
}

// ---------------------------------------------------------------- task states

namespace {

Json readStatus(const Run& run, const std::string& stage, int i) {
    try {
        return readJsonFile(run.statusFile(stage, i));
    } catch (const std::exception&) {
        return Json();
    }
}

std::string logOf(const Run& run, const std::string& stage, const Json& status) {
    if (!status.isObject() || status.stringOr("array_job_id", "").empty()) return {};
    return (fs::path(run.dir) / "logs" / ((stage == "train" ? "train-" : "synth-") + status.stringOr("array_job_id", "") + "_" + status.stringOr("array_task_id", "") + ".out"))
        .string();
}

void describeFromStatus(TaskState& t, const Json& status) {
    if (!status.isObject()) {
        t.state = "not run";
        t.detail = "no report: pending, cancelled before it started, or never submitted";
        return;
    }
    const std::string s = status.stringOr("state", "");
    const std::string where = status.stringOr("host", "?") + (status.stringOr("slurm_job_id", "").empty() ? "" : ", job " + status.stringOr("slurm_job_id", ""));
    if (s == "failed") {
        t.state = "failed";
        t.detail = "exit " + std::to_string(static_cast<int>(status.numberOr("exit_code", -1))) + " on " + where + ": " + status.stringOr("message", "");
    } else if (s == "stopped") {
        t.state = "stopped";
        t.detail = "stopped with a checkpoint on " + where + " (time limit or preemption); resubmitting resumes it";
    } else if (s == "running") {
        t.state = "running";
        t.detail = "started " + status.stringOr("started", "?") + " on " + where + " and has not finished: still running, or killed";
    } else {
        t.state = "missing";
        t.detail = "reported " + s + " but its output is gone";
    }
}

}  // namespace

TaskState trainState(const Run& run, int i) {
    TaskState t("train", i);
    const Json status = readStatus(run, "train", i);
    t.log = logOf(run, "train", status);
    bool complete = false;
    try {
        complete = fs::exists(fs::path(run.modelDir(i)) / "config.json") && gan::readModelInfo(run.modelDir(i)).complete;
    } catch (const std::exception&) {
    }
    if (complete) {
        t.done = true;
        t.state = "done";
        return t;
    }
    describeFromStatus(t, status);
    return t;
}

gan::DatasetPart partOf(const Run& run, int i) {
    gan::DatasetPart p;
    p.name = taskName("synthesize", i);
    p.folder = run.partDir(i);
    p.expectedSamples = run.expectedSamples(i);
    Json info = Json::object();
    info.set("model_name", run.modelName(i));
    info.set("task", i);
    p.sampleInfo = info;
    return p;
}

TaskState synthState(const Run& run, int i) {
    TaskState t("synthesize", i);
    const Json status = readStatus(run, "synthesize", i);
    t.log = logOf(run, "synthesize", status);
    const gan::PartCheck c = gan::checkPart(partOf(run, i));
    if (c.complete()) {
        t.done = true;
        t.state = "done";
        t.detail = std::to_string(c.samples) + " samples";
        return t;
    }
    if (c.state != gan::PartCheck::State::Missing) {
        t.state = "incomplete";
        t.detail = c.detail;
        return t;
    }
    describeFromStatus(t, status);
    return t;
}

std::string taskLabel(const Run& run, const TaskState& t) {
    if (t.stage == "train") return taskName("train", t.index) + " (" + run.json.at("train")[static_cast<std::size_t>(t.index)].at("name").asString() + ")";
    const Json& e = run.json.at("synthesize")[static_cast<std::size_t>(t.index)];
    return taskName("synthesize", t.index) + " (model " + run.modelName(t.index) + ", " + std::to_string(e.at("masks").size()) + " masks x " +
           std::to_string(e.at("count").asInt()) + ")";
}


std::vector<TaskState> allStates(const Run& run) {
    std::vector<TaskState> s;
    for (int i = 0; i < run.trainCount(); ++i) s.push_back(trainState(run, i));
    for (int i = 0; i < run.synthCount(); ++i) s.push_back(synthState(run, i));
    return s;
}


void writeTaskStatus(const Run& run, const std::string& stage, int index, const Json& status) {
    fs::create_directories(fs::path(run.dir) / "status");
    writeTextAtomically(run.statusFile(stage, index), status.dump(2) + "\n");
}



// ---------------------------------------------------------------- the run folder

int Run::trainCount() const { return static_cast<int>(json.at("train").size()); }
int Run::synthCount() const { return static_cast<int>(json.at("synthesize").size()); }

std::string Run::modelDir(int i) const {
    const Json& t = json.at("train")[static_cast<std::size_t>(i)];
    if (t.contains("model")) return t.at("model").asString();
    return (fs::path(dir) / "models" / t.at("name").asString()).string();
}
std::string Run::partDir(int i) const { return (fs::path(dir) / "parts" / taskName("synthesize", i)).string(); }
std::string Run::maskList(int i) const { return (fs::path(dir) / "masks" / (taskName("synthesize", i) + ".txt")).string(); }
std::string Run::statusFile(const std::string& stage, int i) const { return (fs::path(dir) / "status" / (taskName(stage, i) + ".json")).string(); }

int Run::expectedSamples(int i) const {
    const Json& e = json.at("synthesize")[static_cast<std::size_t>(i)];
    return static_cast<int>(e.at("masks").size()) * e.at("count").asInt();
}

int Run::expectedSamples() const {
    int n = 0;
    for (int i = 0; i < synthCount(); ++i) n += expectedSamples(i);
    return n;
}

std::string Run::modelName(int synthIndex) const {
    const int model = json.at("synthesize")[static_cast<std::size_t>(synthIndex)].at("model").asInt();
    return json.at("train")[static_cast<std::size_t>(model)].at("name").asString();
}

void Run::save() const { writeTextAtomically((fs::path(dir) / "run.json").string(), json.dump(2) + "\n"); }

Run createRun(const std::string& planFile, const std::string& runDir, const Resources& resources, int masksPerTaskOverride, const std::string& cosingan,
              const LesionGenerator& lesions) {
    Run run;
    run.dir = fs::absolute(runDir).lexically_normal().string();
    if (fs::exists(fs::path(run.dir) / "run.json")) throw IoError(run.dir, "already holds a run; see cosingan batch status / resubmit, or choose another folder");
    fs::create_directories(run.dir);
    try {
        run.json = expandPlan(planFile, run.dir, resources, masksPerTaskOverride, cosingan, lesions);
    } catch (const JsonError& e) {
        throw IoError(planFile, e.what());  // a value of the wrong type in the plan
    }
    for (const char* sub : {"models", "parts", "status", "logs", "masks"}) fs::create_directories(fs::path(run.dir) / sub);
    for (int i = 0; i < run.synthCount(); ++i) {
        std::string list;
        for (const auto& m : run.json.at("synthesize")[static_cast<std::size_t>(i)].at("masks").asArray()) list += m.asString() + "\n";
        writeTextAtomically(run.maskList(i), list);
    }
    for (const char* stage : {"train", "synthesize"}) {
        const fs::path script = fs::path(run.dir) / (std::string(stage) == "train" ? "train.sbatch" : "synth.sbatch");
        writeTextAtomically(script.string(), scriptFor(run, stage));
        fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
    }
    run.save();  // last: a folder with run.json is a complete run
    return run;
}

Run openRun(const std::string& dirName) {
    Run r;
    r.dir = fs::absolute(dirName).lexically_normal().string();
    const fs::path file = fs::path(r.dir) / "run.json";
    if (!fs::is_regular_file(file)) throw IoError(r.dir, "is not a batch run (no run.json; create one with cosingan batch submit)");
    try {
        r.json = readJsonFile(file.string());
        if (r.json.stringOr("format", "") != kRunFormat) throw JsonError("not a " + std::string(kRunFormat) + " file");
        r.json.at("train").asArray();
        r.json.at("synthesize").asArray();
    } catch (const std::exception& e) {
        throw IoError(file.string(), e.what());
    }
    return r;
}

PendingTasks pendingTasks(const Run& run) {
    PendingTasks p;
    std::set<int> retrained;
    for (int i = 0; i < run.trainCount(); ++i) {
        const TaskState t = trainState(run, i);
        if (t.done) continue;
        p.train.push_back(i);
        retrained.insert(i);
        p.states.push_back(t);
    }
    for (int i = 0; i < run.synthCount(); ++i) {
        const TaskState t = synthState(run, i);
        if (t.done) continue;
        p.states.push_back(t);
        (retrained.count(run.json.at("synthesize")[static_cast<std::size_t>(i)].at("model").asInt()) ? p.synthAfterTrain : p.synthNow).push_back(i);
    }
    return p;
}

std::vector<Submission> submitPending(Run& run, const PendingTasks& pending, bool dry) {
    std::vector<Submission> subs;
    std::string trainJob;
    if (!pending.train.empty()) {
        subs.push_back(submitArray(run, "train", pending.train, "", dry));
        trainJob = dry ? "TRAIN_JOB" : subs.back().jobId;
    }
    if (!pending.synthAfterTrain.empty()) subs.push_back(submitArray(run, "synthesize", pending.synthAfterTrain, trainJob, dry));
    if (!pending.synthNow.empty()) subs.push_back(submitArray(run, "synthesize", pending.synthNow, "", dry));
    return subs;
}

std::vector<std::string> activeJobs(const Run& run, bool& checked) {
    std::set<std::string> ours;
    for (const auto& s : run.json.at("submissions").asArray()) ours.insert(s.stringOr("job", ""));
    checked = false;
    if (ours.empty()) {
        checked = true;
        return {};
    }
    const ProcessResult r = runProcess({"squeue", "--noheader", "--format=%F"}, true);
    if (r.exitCode != 0) return {};
    checked = true;
    std::set<std::string> active;
    std::istringstream in(r.out);
    std::string id;
    while (in >> id)
        if (ours.count(id)) active.insert(id);
    return {active.begin(), active.end()};
}

}  // namespace ctsw::batch
