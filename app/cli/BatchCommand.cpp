// `cosingan batch`: trains one model per listed slice and synthesizes a dataset across many masks as
// SLURM job arrays, then checks the parts, merges them into one dataset, and resubmits only the tasks
// that are missing or failed.
//
// A run is a folder:
//   run.json            the plan expanded: absolute paths, one entry per array task, resources, and
//                       every submission (job ids); the tasks read it, only submit/resubmit write it
//   train.sbatch        one array task per training slice   (`cosingan batch task RUN train I`)
//   synth.sbatch        one array task per (model, group of masks)  (`... synthesize I`)
//   masks/synth-NNNN.txt  the masks of synthesis task NNNN (`cosingan synthesize --mask-list`)
//   models/NAME/        the model of each training slice
//   parts/synth-NNNN/   the dataset each synthesis task writes (atomically, as `cosingan synthesize`)
//   status/STAGE-NNNN.json  what each task reported: running, succeeded, failed, stopped
//   logs/STAGE-JOB_TASK.out  the tasks' output
//   dataset/            the merged dataset (`cosingan batch merge`)
//
// Decisions:
// - The synthesis array waits for the whole training array (--dependency=afterok:JOB): a synthesis
//   task may use any model. --kill-on-invalid-dep=yes cancels it at once when a training task fails,
//   instead of leaving it pending for ever; `batch resubmit` then sends exactly the tasks that are
//   not done, the synthesis ones after the retrained models only.
// - Resources go into the scripts' #SBATCH lines (GPU: --gres=gpu:1 and --device cuda; CPU:
//   --cpus-per-task=N and --threads N), so a user can read or edit them: `submit --dry-run` writes
//   the run without queueing anything, and `resubmit` queues whatever is not done with the scripts
//   as they are then.
// - Whether a task is done is read from its output, not from SLURM (accounting is often off): a
//   training task is done when its model folder says complete; a synthesis task when its part's
//   manifest lists every expected sample and every file it names exists. Status files add why a
//   task is not done (failed with its exit code, stopped at a time limit, still running or killed).
// - A training task that finds a checkpoint resumes it (a requeued or resubmitted task continues
//   where the time limit stopped it).
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
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "Args.h"
#include "Commands.h"
#include "SliceFiles.h"
#include "gan/DatasetMerge.h"
#include "gan/Engine.h"
#include "io/IoError.h"
#include "json/Json.h"

namespace fs = std::filesystem;

namespace ctsw::cli {

namespace {

const char* kRunFormat = "cosingan-batch-run";

std::string nowIso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return b;
}

std::string shQuote(const std::string& s) {
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
void writeTextAtomic(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp" + std::to_string(::getpid()));
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        out.flush();
        if (!out) throw IoError(path.string(), "cannot write (disk full?)");
    }
    fs::rename(tmp, path);
}

// Runs a program (searched in PATH) with its standard output captured; stderr passes through, or is
// dropped when quiet.
struct ProcessResult {
    int exitCode = -1;  // 127: could not be started
    std::string out;
};
ProcessResult runProcess(const std::vector<std::string>& argv, bool quiet = false) {
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
        s += a.find_first_of(" '\"$\\;&|<>()*?#~`") == std::string::npos && !a.empty() ? a : shQuote(a);
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

std::vector<std::string> readListFile(const fs::path& list) {
    std::ifstream in(list);
    if (!in) throw IoError(list.string(), "cannot read the list of masks");
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        out.push_back(resolve(list.parent_path(), line.substr(first)).string());
    }
    return out;
}

// A folder (its mask files, sorted), a text file with one path a line, one mask file, or an array.
std::vector<std::string> collectMasks(const Json& spec, const fs::path& base, const std::string& planFile) {
    std::vector<std::string> masks;
    auto addOne = [&](const std::string& p) {
        const fs::path path = resolve(base, p);
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            std::vector<std::string> found;
            for (const auto& e : fs::directory_iterator(path))
                if (e.is_regular_file() && isMaskFile(e.path().string())) found.push_back(e.path().string());
            std::sort(found.begin(), found.end());
            if (found.empty()) throw IoError(path.string(), "holds no mask files (.png, .npy, .nii, .nii.gz)");
            masks.insert(masks.end(), found.begin(), found.end());
        } else if (!isMaskFile(path.string()) && fs::is_regular_file(path, ec)) {
            const auto listed = readListFile(path);
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

struct Resources {
    bool gpu = false;
    int cpus = 1;
    std::string partition, timeTrain, timeSynth, mem, account;
    int maxParallel = 0;
};

Json expandPlan(const std::string& planFile, const fs::path& run, const Resources& res, int masksPerTaskOverride) {
    Json plan;
    try {
        plan = readJsonFile(planFile);
    } catch (const std::exception& e) {
        throw IoError(planFile, e.what());
    }
    checkKeys(plan, {"name", "preset", "config", "seed", "train", "synthesize"}, "the plan", planFile);
    const fs::path base = fs::absolute(planFile).parent_path();
    const std::string preset = plan.stringOr("preset", "fast");
    gan::GanConfig::fromPreset(preset);  // throws for an unknown preset before anything is queued
    const std::string config = plan.contains("config") ? resolve(base, plan.at("config").asString()).string() : std::string();
    if (!config.empty() && !fs::is_regular_file(config)) throw IoError(config, "no such config file (named in " + planFile + ")");

    if (!plan.contains("train") || !plan.at("train").isArray() || plan.at("train").size() == 0)
        throw IoError(planFile, "\"train\" must list at least one training slice ({\"image\": ..., \"mask\": ...})");
    Json train = Json::array();
    std::set<std::string> names;
    for (std::size_t i = 0; i < plan.at("train").size(); ++i) {
        const Json& t = plan.at("train")[i];
        const std::string where = "train[" + std::to_string(i) + "]";
        checkKeys(t, {"name", "image", "mask", "mapping", "orient", "slice", "series", "seed"}, where, planFile);
        if (!t.contains("image") || !t.contains("mask")) throw IoError(planFile, where + " needs \"image\" and \"mask\"");
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
    checkKeys(s, {"masks", "mapping", "orient", "slice", "count", "seed", "masks_per_task", "randomized_condition", "dropout", "rc_magnitudes"}, "synthesize",
              planFile);
    if (!s.contains("masks")) throw IoError(planFile, "\"synthesize\" needs \"masks\"");
    const std::vector<std::string> masks = collectMasks(s.at("masks"), base, planFile);
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
    r.set("cosingan", fs::canonical("/proc/self/exe").string());
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

// ---------------------------------------------------------------- a run folder

struct Run {
    fs::path dir;
    Json json;
    fs::path modelDir(int i) const { return dir / "models" / json.at("train")[static_cast<std::size_t>(i)].at("name").asString(); }
    fs::path partDir(int i) const { return dir / "parts" / taskName("synthesize", i); }
    fs::path maskList(int i) const { return dir / "masks" / (taskName("synthesize", i) + ".txt"); }
    fs::path statusFile(const std::string& stage, int i) const { return dir / "status" / (taskName(stage, i) + ".json"); }
    int trainCount() const { return static_cast<int>(json.at("train").size()); }
    int synthCount() const { return static_cast<int>(json.at("synthesize").size()); }
    int expectedSamples(int i) const {
        const Json& e = json.at("synthesize")[static_cast<std::size_t>(i)];
        return static_cast<int>(e.at("masks").size()) * e.at("count").asInt();
    }
    std::string modelName(int synthIndex) const {
        return json.at("train")[static_cast<std::size_t>(json.at("synthesize")[static_cast<std::size_t>(synthIndex)].at("model").asInt())].at("name").asString();
    }
    void save() const { writeTextAtomic(dir / "run.json", json.dump(2) + "\n"); }
};

Run openRun(const std::string& dirName) {
    Run r;
    r.dir = fs::absolute(dirName).lexically_normal();
    const fs::path file = r.dir / "run.json";
    if (!fs::is_regular_file(file)) throw IoError(r.dir.string(), "is not a batch run (no run.json; create one with cosingan batch submit)");
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

std::string scriptFor(const Run& run, const std::string& stage) {
    const Json& res = run.json.at("resources");
    const bool gpu = res.boolOr("gpu", false);
    const int cpus = static_cast<int>(res.numberOr("cpus_per_task", 1));
    std::string s = "#!/bin/bash\n";
    s += "# " + std::string(stage == "train" ? "Training: one array task per training slice" : "Synthesis: one array task per model and group of masks") +
         ".\n# Written by `cosingan batch submit` for the run in " + run.dir.string() +
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
    s += "exec " + shQuote(run.json.at("cosingan").asString()) + " batch task " + shQuote(run.dir.string()) + " " + stage +
         " \"$SLURM_ARRAY_TASK_ID\" --device " + (gpu ? "cuda" : "cpu") + " --threads " + std::to_string(cpus) + "\n";
    return s;
}

std::vector<std::string> sbatchCommand(const Run& run, const std::string& stage, const std::vector<int>& indices, const std::string& afterJob) {
    std::string array = arraySpec(indices);
    const int maxParallel = static_cast<int>(run.json.at("resources").numberOr("max_parallel", 0));
    if (maxParallel > 0) array += "%" + std::to_string(maxParallel);
    const std::string short_ = stage == "train" ? "train" : "synth";
    std::vector<std::string> cmd{"sbatch", "--parsable", "--job-name=cosingan-" + short_ + "-" + run.json.stringOr("name", "run"),
                                 "--output=" + (run.dir / "logs" / (short_ + "-%A_%a.out")).string(), "--array=" + array};
    if (!afterJob.empty()) {
        cmd.push_back("--dependency=afterok:" + afterJob);
        cmd.push_back("--kill-on-invalid-dep=yes");
    }
    cmd.push_back((run.dir / (stage == "train" ? "train.sbatch" : "synth.sbatch")).string());
    return cmd;
}

// Submits (or, dry, prints) one array; returns the job id ("" when dry).
std::string submitArray(Run& run, const std::string& stage, const std::vector<int>& indices, const std::string& afterJob, bool dry) {
    const auto cmd = sbatchCommand(run, stage, indices, afterJob.empty() ? std::string() : afterJob);
    if (dry) {
        std::printf("would run: %s\n", commandLine(cmd).c_str());
        return {};
    }
    const ProcessResult r = runProcess(cmd);
    if (r.exitCode == 127) throw IoError("sbatch", "not found: is this a SLURM login node? (try --dry-run to write the run without submitting)");
    std::string id = r.out.substr(0, r.out.find_first_of(";\n"));
    if (r.exitCode != 0 || id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
        throw IoError("sbatch", "failed (exit " + std::to_string(r.exitCode) + ") for " + commandLine(cmd));
    Json sub = Json::object();
    sub.set("stage", stage);
    sub.set("job", id);
    sub.set("array", arraySpec(indices));
    if (!afterJob.empty()) sub.set("after", afterJob);
    sub.set("submitted", nowIso());
    Json subs = run.json.at("submissions");
    subs.push(sub);
    run.json.set("submissions", subs);
    run.save();
    std::printf("submitted %s array job %s (tasks %s)%s\n", stage == "train" ? "training" : "synthesis", id.c_str(), arraySpec(indices).c_str(),
                afterJob.empty() ? "" : (", after job " + afterJob + " succeeds").c_str());
    return id;
}

// ---------------------------------------------------------------- task states

struct TaskState {
    TaskState(std::string stage_, int index_) : stage(std::move(stage_)), index(index_) {}
    std::string stage;
    int index = 0;
    bool done = false;
    std::string state;   // done, failed, stopped, running, incomplete, missing, not run
    std::string detail;  // in words
    std::string log;     // the task's output file, when known
};

Json readStatus(const Run& run, const std::string& stage, int i) {
    try {
        return readJsonFile(run.statusFile(stage, i).string());
    } catch (const std::exception&) {
        return Json();
    }
}

std::string logOf(const Run& run, const std::string& stage, const Json& status) {
    if (!status.isObject() || status.stringOr("array_job_id", "").empty()) return {};
    return (run.dir / "logs" / ((stage == "train" ? "train-" : "synth-") + status.stringOr("array_job_id", "") + "_" + status.stringOr("array_task_id", "") + ".out"))
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

TaskState trainState(const Run& run, int i) {
    TaskState t("train", i);
    const Json status = readStatus(run, "train", i);
    t.log = logOf(run, "train", status);
    bool complete = false;
    try {
        complete = fs::exists(run.modelDir(i) / "config.json") && gan::readModelInfo(run.modelDir(i).string()).complete;
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
    p.folder = run.partDir(i).string();
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

std::string label(const Run& run, const TaskState& t) {
    if (t.stage == "train") return taskName("train", t.index) + " (" + run.json.at("train")[static_cast<std::size_t>(t.index)].at("name").asString() + ")";
    const Json& e = run.json.at("synthesize")[static_cast<std::size_t>(t.index)];
    return taskName("synthesize", t.index) + " (model " + run.modelName(t.index) + ", " + std::to_string(e.at("masks").size()) + " masks x " +
           std::to_string(e.at("count").asInt()) + ")";
}

void printProblems(const Run& run, const std::vector<TaskState>& states, std::FILE* out) {
    for (const auto& t : states) {
        if (t.done) continue;
        std::fprintf(out, "  %-10s %s: %s\n", t.state.c_str(), label(run, t).c_str(), t.detail.c_str());
        if (!t.log.empty()) std::fprintf(out, "             log: %s\n", t.log.c_str());
    }
}

std::vector<TaskState> allStates(const Run& run) {
    std::vector<TaskState> s;
    for (int i = 0; i < run.trainCount(); ++i) s.push_back(trainState(run, i));
    for (int i = 0; i < run.synthCount(); ++i) s.push_back(synthState(run, i));
    return s;
}

void writeStatus(const Run& run, const std::string& stage, int index, const Json& status) {
    fs::create_directories(run.dir / "status");
    writeTextAtomic(run.statusFile(stage, index), status.dump(2) + "\n");
}

std::string envOr(const char* name, const std::string& fallback = {}) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : fallback;
}

// ---------------------------------------------------------------- the verbs

int batchSubmit(const std::vector<std::string>& argv) {
    Args args(argv, {"out", "cpus", "partition", "time-train", "time-synthesize", "mem", "account", "max-parallel", "masks-per-task"}, {"gpu", "dry-run"});
    if (args.positionals().size() != 1) throw UsageError("batch submit needs one PLAN file (JSON)");
    if (!args.has("out")) throw UsageError("batch submit needs --out RUN_DIR");
    const fs::path runDir = fs::absolute(args.value("out")).lexically_normal();
    if (fs::exists(runDir / "run.json")) throw IoError(runDir.string(), "already holds a run; see cosingan batch status / resubmit, or choose another folder");
    Resources res;
    res.gpu = args.flag("gpu");
    res.cpus = args.intValue("cpus", res.gpu ? 4 : 2);
    if (res.cpus < 1) throw UsageError("--cpus must be at least 1");
    res.partition = args.value("partition");
    res.timeTrain = args.value("time-train");
    res.timeSynth = args.value("time-synthesize");
    res.mem = args.value("mem");
    res.account = args.value("account");
    res.maxParallel = args.intValue("max-parallel", 0);
    Json json;
    try {
        json = expandPlan(args.positionals()[0], runDir, res, args.intValue("masks-per-task", 0));
    } catch (const JsonError& e) {
        throw IoError(args.positionals()[0], e.what());  // a value of the wrong type in the plan
    }

    for (const char* sub : {"models", "parts", "status", "logs", "masks"}) fs::create_directories(runDir / sub);
    Run run{runDir, json};
    for (int i = 0; i < run.synthCount(); ++i) {
        std::string list;
        for (const auto& m : json.at("synthesize")[static_cast<std::size_t>(i)].at("masks").asArray()) list += m.asString() + "\n";
        writeTextAtomic(run.maskList(i), list);
    }
    writeTextAtomic(runDir / "train.sbatch", scriptFor(run, "train"));
    writeTextAtomic(runDir / "synth.sbatch", scriptFor(run, "synthesize"));
    fs::permissions(runDir / "train.sbatch", fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
    fs::permissions(runDir / "synth.sbatch", fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
    run.save();
    std::printf("run %s: %d training tasks, %d synthesis tasks, %d samples in all\n", runDir.c_str(), run.trainCount(), run.synthCount(), [&] {
        int n = 0;
        for (int i = 0; i < run.synthCount(); ++i) n += run.expectedSamples(i);
        return n;
    }());
    std::vector<int> trainIdx(static_cast<std::size_t>(run.trainCount())), synthIdx(static_cast<std::size_t>(run.synthCount()));
    for (int i = 0; i < run.trainCount(); ++i) trainIdx[static_cast<std::size_t>(i)] = i;
    for (int i = 0; i < run.synthCount(); ++i) synthIdx[static_cast<std::size_t>(i)] = i;
    const bool dry = args.flag("dry-run");
    const std::string trainJob = submitArray(run, "train", trainIdx, "", dry);
    submitArray(run, "synthesize", synthIdx, dry ? "TRAIN_JOB" : trainJob, dry);
    if (dry) std::printf("nothing submitted (--dry-run); submit with: cosingan batch resubmit %s\n", shQuote(runDir.string()).c_str());
    std::printf("then: cosingan batch status %s; cosingan batch merge %s\n", shQuote(runDir.string()).c_str(), shQuote(runDir.string()).c_str());
    return kOk;
}

int batchTask(const std::vector<std::string>& argv) {
    Args args(argv, {"device", "threads"}, {});
    if (args.positionals().size() != 3) throw UsageError("batch task needs RUN_DIR, train|synthesize and the task index");
    const Run run = openRun(args.positionals()[0]);
    const std::string stage = args.positionals()[1];
    if (stage != "train" && stage != "synthesize") throw UsageError("batch task: the stage is train or synthesize, not \"" + stage + "\"");
    int index = -1;
    try {
        index = std::stoi(args.positionals()[2]);
    } catch (const std::exception&) {
    }
    const int count = stage == "train" ? run.trainCount() : run.synthCount();
    if (index < 0 || index >= count)
        throw UsageError("batch task: " + stage + " index \"" + args.positionals()[2] + "\" is not in 0.." + std::to_string(count - 1));
    const std::string device = args.value("device", "auto");
    const std::string threads = args.value("threads", envOr("SLURM_CPUS_PER_TASK", "0"));

    Json status = Json::object();
    status.set("state", "running");
    status.set("stage", stage);
    status.set("index", index);
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    status.set("host", host);
    status.set("slurm_job_id", envOr("SLURM_JOB_ID"));
    status.set("array_job_id", envOr("SLURM_ARRAY_JOB_ID"));
    status.set("array_task_id", envOr("SLURM_ARRAY_TASK_ID"));
    status.set("started", nowIso());
    writeStatus(run, stage, index, status);
    const auto t0 = std::time(nullptr);
    std::fprintf(stderr, "cosingan batch: %s task %d of run %s on %s\n", stage.c_str(), index, run.dir.c_str(), host);

    int rc = kInternalError;
    std::string message, state;
    try {
        std::vector<std::string> a;
        if (stage == "train") {
            const Json& e = run.json.at("train")[static_cast<std::size_t>(index)];
            const fs::path model = run.modelDir(index);
            if (fs::exists(model / "config.json")) {
                a = {"--resume", "--out", model.string()};  // a requeued or resubmitted task continues its checkpoint
            } else {
                a = {"--image", e.at("image").asString(), "--mask", e.at("mask").asString(), "--out", model.string(), "--preset", e.at("preset").asString(),
                     "--mapping", e.at("mapping").asString()};
                if (!e.stringOr("orient", "").empty()) a.insert(a.end(), {"--orient", e.at("orient").asString()});
                if (e.at("slice").asInt() >= 0) a.insert(a.end(), {"--slice", std::to_string(e.at("slice").asInt())});
                if (!e.stringOr("series", "").empty()) a.insert(a.end(), {"--series", e.at("series").asString()});
                if (!e.stringOr("config", "").empty()) a.insert(a.end(), {"--config", e.at("config").asString()});
                if (e.contains("seed")) a.insert(a.end(), {"--seed", std::to_string(e.at("seed").asInt())});
            }
            a.insert(a.end(), {"--device", device, "--threads", threads});
            rc = runTrain(a);
            bool complete = false;
            try {
                complete = gan::readModelInfo(model.string()).complete;
            } catch (const std::exception&) {
            }
            if (rc == kOk && !complete) {
                rc = kInternalError;
                state = "stopped";
                message = "training stopped before the model was complete (a signal: time limit or preemption); resubmitting resumes it";
            }
        } else {
            const Json& e = run.json.at("synthesize")[static_cast<std::size_t>(index)];
            const fs::path model = run.modelDir(e.at("model").asInt());
            bool complete = false;
            try {
                complete = gan::readModelInfo(model.string()).complete;
            } catch (const std::exception&) {
            }
            if (!complete) throw IoError(model.string(), "the model is not trained (its training task failed or has not run)");
            a = {"--model", model.string(), "--mask-list", run.maskList(index).string(), "--out", run.partDir(index).string(), "--overwrite",
                 "--count", std::to_string(e.at("count").asInt()), "--seed", std::to_string(e.at("seed").asInt()), "--mapping", e.at("mapping").asString(),
                 "--device", device, "--threads", threads};
            if (!e.stringOr("orient", "").empty()) a.insert(a.end(), {"--orient", e.at("orient").asString()});
            if (e.at("slice").asInt() >= 0) a.insert(a.end(), {"--slice", std::to_string(e.at("slice").asInt())});
            if (!e.boolOr("randomized_condition", true)) a.push_back("--no-rc");
            if (e.boolOr("dropout", false)) a.push_back("--dropout");
            if (!e.stringOr("rc_magnitudes", "").empty()) a.insert(a.end(), {"--rc-magnitudes", e.at("rc_magnitudes").asString()});
            rc = runSynthesize(a);
            if (rc == kOk) {
                const gan::PartCheck c = gan::checkPart(partOf(run, index));
                if (!c.complete()) {
                    rc = kInternalError;
                    message = "the part written is not complete: " + c.detail;
                }
            }
        }
        if (state.empty()) state = rc == kOk ? "succeeded" : "failed";
        if (message.empty() && rc != kOk) message = "cosingan " + stage + " exited with " + std::to_string(rc) + " (see the log)";
    } catch (const std::exception& e) {
        // The same exit codes as main gives these exceptions.
        const bool bad = dynamic_cast<const UsageError*>(&e) || dynamic_cast<const IoError*>(&e) || dynamic_cast<const std::invalid_argument*>(&e);
        status.set("state", "failed");
        status.set("exit_code", bad ? kBadInput : kInternalError);
        status.set("message", e.what());
        status.set("finished", nowIso());
        status.set("seconds", static_cast<double>(std::time(nullptr) - t0));
        writeStatus(run, stage, index, status);
        throw;  // reported by main with its exit code
    }
    status.set("state", state);
    status.set("exit_code", rc);
    if (!message.empty()) status.set("message", message);
    status.set("finished", nowIso());
    status.set("seconds", static_cast<double>(std::time(nullptr) - t0));
    writeStatus(run, stage, index, status);
    if (rc != kOk) std::fprintf(stderr, "cosingan batch: %s task %d %s: %s\n", stage.c_str(), index, state.c_str(), message.c_str());
    return rc;
}

int batchStatus(const std::vector<std::string>& argv) {
    Args args(argv, {}, {"json"});
    if (args.positionals().size() != 1) throw UsageError("batch status needs RUN_DIR");
    const Run run = openRun(args.positionals()[0]);
    const auto states = allStates(run);
    if (args.flag("json")) {
        Json out = Json::object();
        out.set("run", run.dir.string());
        Json tasks = Json::array();
        for (const auto& t : states) {
            Json j = Json::object();
            j.set("stage", t.stage);
            j.set("index", t.index);
            j.set("name", taskName(t.stage, t.index));
            j.set("state", t.state);
            j.set("detail", t.detail);
            j.set("log", t.log);
            tasks.push(j);
        }
        out.set("tasks", tasks);
        out.set("submissions", run.json.at("submissions"));
        std::printf("%s\n", out.dump(2).c_str());
        return kOk;
    }
    int trainDone = 0, synthDone = 0;
    for (const auto& t : states) (t.stage == "train" ? trainDone : synthDone) += t.done ? 1 : 0;
    std::printf("run %s\n  training:  %d of %d done\n  synthesis: %d of %d done\n", run.dir.c_str(), trainDone, run.trainCount(), synthDone, run.synthCount());
    for (const auto& t : states)
        if (t.done) std::printf("  %-10s %s%s%s\n", "done", label(run, t).c_str(), t.detail.empty() ? "" : ": ", t.detail.c_str());
    printProblems(run, states, stdout);
    return kOk;
}

int batchMerge(const std::vector<std::string>& argv) {
    Args args(argv, {"out", "layout", "dataset-id", "name"}, {"partial", "overwrite", "copy"});
    if (args.positionals().size() != 1) throw UsageError("batch merge needs RUN_DIR");
    const Run run = openRun(args.positionals()[0]);
    gan::DatasetLayout layout;
    layout.kind = args.value("layout", "product");
    layout.datasetId = args.intValue("dataset-id", layout.datasetId);
    layout.name = args.value("name", layout.name);
    if ((args.has("dataset-id") || args.has("name")) && layout.kind != "nnunet") throw UsageError("--dataset-id and --name belong to --layout nnunet");
    const fs::path base = args.has("out") ? fs::absolute(args.value("out")) : run.dir / "dataset";
    fs::path out;
    try {
        out = gan::datasetFolder(base.string(), layout);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    if (fs::exists(out) && !args.flag("overwrite")) throw IoError(out.string(), "already exists; choose another folder (--out) or pass --overwrite");
    std::vector<TaskState> notDone;
    std::vector<gan::DatasetPart> parts;
    int expected = 0;
    for (int i = 0; i < run.synthCount(); ++i) {
        TaskState t = synthState(run, i);
        if (t.done) {
            parts.push_back(partOf(run, i));
            expected += run.expectedSamples(i);
        } else {
            if (t.state == "not run" || t.state == "missing") {
                // Say why: a synthesis task never runs when its model's training failed.
                const TaskState tr = trainState(run, run.json.at("synthesize")[static_cast<std::size_t>(i)].at("model").asInt());
                if (!tr.done) t.detail += "; its model " + run.modelName(i) + " is not trained (" + tr.state + ")";
            }
            notDone.push_back(t);
        }
    }
    if (!notDone.empty()) {
        std::fprintf(stderr, "%zu of %d synthesis tasks are not complete:\n", notDone.size(), run.synthCount());
        printProblems(run, notDone, stderr);
        if (!args.flag("partial")) {
            std::fprintf(stderr, "nothing merged. Resubmit only these with: cosingan batch resubmit %s\n(or merge what is complete with --partial)\n",
                         shQuote(run.dir.string()).c_str());
            return kBadInput;
        }
        if (parts.empty()) throw IoError(run.dir.string(), "no synthesis task is complete; nothing to merge");
    }
    gan::MergeOptions options;
    options.overwrite = args.flag("overwrite");
    options.copy = args.flag("copy");
    options.layout = layout;
    options.info.set("run", run.dir.string());
    if (!notDone.empty()) {
        Json missing = Json::array();
        for (const auto& t : notDone) {
            Json j = Json::object();
            j.set("task", taskName(t.stage, t.index));
            j.set("state", t.state);
            j.set("detail", t.detail);
            missing.push(j);
        }
        options.info.set("incomplete", missing);
    }
    gan::MergeResult r;
    try {
        r = gan::mergeParts(parts, base.string(), options);
    } catch (const std::runtime_error& e) {
        throw IoError(out.string(), e.what());  // a file that cannot be linked or copied, a full disk
    }
    // The merged folder is checked like a part: every file its manifest names must be there.
    gan::DatasetPart merged;
    merged.name = "merged dataset";
    merged.folder = r.folder;
    merged.expectedSamples = expected;
    const gan::PartCheck check = gan::checkPart(merged);
    if (!check.complete()) throw std::runtime_error(r.folder + ": the merged dataset does not verify: " + check.detail);
    std::printf("merged %d samples from %d parts into %s (%d files linked, %d copied); every listed file is present\n", r.samples, r.parts, r.folder.c_str(),
                r.linkedFiles, r.copiedFiles);
    if (!notDone.empty()) std::printf("partial: %zu tasks missing (listed in the manifest under \"incomplete\")\n", notDone.size());
    return kOk;
}

// Job ids of this run that SLURM still lists (pending or running); empty when squeue is missing.
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

int batchResubmit(const std::vector<std::string>& argv) {
    Args args(argv, {}, {"dry-run", "force"});
    if (args.positionals().size() != 1) throw UsageError("batch resubmit needs RUN_DIR");
    Run run = openRun(args.positionals()[0]);
    const bool dry = args.flag("dry-run");
    std::vector<int> train, synthAfterTrain, synthNow;
    std::set<int> retrained;
    std::vector<TaskState> redo;
    for (int i = 0; i < run.trainCount(); ++i) {
        const TaskState t = trainState(run, i);
        if (!t.done) {
            train.push_back(i);
            retrained.insert(i);
            redo.push_back(t);
        }
    }
    for (int i = 0; i < run.synthCount(); ++i) {
        const TaskState t = synthState(run, i);
        if (t.done) continue;
        redo.push_back(t);
        (retrained.count(run.json.at("synthesize")[static_cast<std::size_t>(i)].at("model").asInt()) ? synthAfterTrain : synthNow).push_back(i);
    }
    if (redo.empty()) {
        std::printf("nothing to resubmit: every task of %s is done\n", run.dir.c_str());
        return kOk;
    }
    bool checked = false;
    const auto active = activeJobs(run, checked);
    if (!active.empty() && !args.flag("force")) {
        std::string ids;
        for (const auto& a : active) ids += (ids.empty() ? "" : ", ") + a;
        throw IoError(run.dir.string(), "jobs of this run are still queued or running (" + ids +
                                            "); wait for them (squeue), cancel them (scancel), or pass --force to submit anyway");
    }
    if (!checked) std::fprintf(stderr, "note: squeue did not answer; cannot tell whether earlier jobs of this run are still queued\n");
    std::printf("resubmitting %zu %s not done:\n", redo.size(), redo.size() == 1 ? "task that is" : "tasks that are");
    printProblems(run, redo, stdout);
    std::string trainJob;
    if (!train.empty()) trainJob = submitArray(run, "train", train, "", dry);
    if (!synthAfterTrain.empty()) submitArray(run, "synthesize", synthAfterTrain, dry ? "TRAIN_JOB" : trainJob, dry);
    if (!synthNow.empty()) submitArray(run, "synthesize", synthNow, "", dry);
    return kOk;
}

}  // namespace

int runBatch(const std::vector<std::string>& argv) {
    if (argv.empty()) throw UsageError("batch needs one of submit, status, merge, resubmit, task");
    const std::string verb = argv[0];
    const std::vector<std::string> rest(argv.begin() + 1, argv.end());
    if (verb == "submit") return batchSubmit(rest);
    if (verb == "task") return batchTask(rest);
    if (verb == "status") return batchStatus(rest);
    if (verb == "merge") return batchMerge(rest);
    if (verb == "resubmit") return batchResubmit(rest);
    throw UsageError("batch: unknown step \"" + verb + "\" (submit, status, merge, resubmit, task)");
}

}  // namespace ctsw::cli
