// `cosingan batch`: the command-line face of core/dataset/BatchRun.h (the run folder, the plan, the
// task states and the decisions behind them are described there). Here: the arguments, the reports,
// and `batch task`, which runs one array task through the train and synthesize commands.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "Args.h"
#include "Commands.h"
#include "dataset/BatchRun.h"
#include "gan/DatasetMerge.h"
#include "gan/Engine.h"
#include "io/AtomicWrite.h"
#include "io/IoError.h"
#include "json/Json.h"
#ifndef CTSW_ENGINE_ONLY
#include "dataset/LesionMaskSet.h"
#endif

namespace fs = std::filesystem;

namespace ctsw::cli {

using namespace ctsw::batch;

namespace {

void printProblems(const Run& run, const std::vector<TaskState>& states, std::FILE* out) {
    for (const auto& t : states) {
        if (t.done) continue;
        std::fprintf(out, "  %-10s %s: %s\n", t.state.c_str(), taskLabel(run, t).c_str(), t.detail.c_str());
        if (!t.log.empty()) std::fprintf(out, "             log: %s\n", t.log.c_str());
    }
}

void printSubmissions(const std::vector<Submission>& subs) {
    for (const Submission& s : subs) {
        if (s.jobId.empty()) {
            std::printf("would run: %s\n", commandLine(s.command).c_str());
            continue;
        }
        std::printf("submitted %s array job %s (tasks %s)%s\n", s.stage == "train" ? "training" : "synthesis", s.jobId.c_str(), s.array.c_str(),
                    s.after.empty() ? "" : (", after job " + s.after + " succeeds").c_str());
    }
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
#ifdef CTSW_ENGINE_ONLY
    const LesionGenerator lesions;  // a plan's "lesions" needs the full build (it reads CT)
#else
    const LesionGenerator lesions = dataset::planLesionGenerator();
#endif
    Run run = createRun(args.positionals()[0], runDir.string(), res, args.intValue("masks-per-task", 0), fs::canonical("/proc/self/exe").string(), lesions);
    std::printf("run %s: %d training tasks, %d synthesis tasks, %d samples in all\n", run.dir.c_str(), run.trainCount(), run.synthCount(), run.expectedSamples());
    const bool dry = args.flag("dry-run");
    printSubmissions(submitPending(run, pendingTasks(run), dry));
    if (dry) std::printf("nothing submitted (--dry-run); submit with: cosingan batch resubmit %s\n", shellQuote(run.dir).c_str());
    std::printf("then: cosingan batch status %s; cosingan batch merge %s\n", shellQuote(run.dir).c_str(), shellQuote(run.dir).c_str());
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
    writeTaskStatus(run, stage, index, status);
    const auto t0 = std::time(nullptr);
    std::fprintf(stderr, "cosingan batch: %s task %d of run %s on %s\n", stage.c_str(), index, run.dir.c_str(), host);

    int rc = kInternalError;
    std::string message, state;
    try {
        std::vector<std::string> a;
        if (stage == "train") {
            const Json& e = run.json.at("train")[static_cast<std::size_t>(index)];
            const fs::path model = run.modelDir(index);
            if (e.contains("model")) {
                a = {};  // a model named by the plan is not trained here; the task only confirms it
            } else if (fs::exists(model / "config.json")) {
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
            if (a.empty()) {
                rc = kOk;
            } else {
                a.insert(a.end(), {"--device", device, "--threads", threads});
                rc = runTrain(a);
            }
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
            a = {"--model", model.string(), "--mask-list", run.maskList(index), "--out", run.partDir(index), "--overwrite",
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
        writeTaskStatus(run, stage, index, status);
        throw;  // reported by main with its exit code
    }
    status.set("state", state);
    status.set("exit_code", rc);
    if (!message.empty()) status.set("message", message);
    status.set("finished", nowIso());
    status.set("seconds", static_cast<double>(std::time(nullptr) - t0));
    writeTaskStatus(run, stage, index, status);
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
        out.set("run", run.dir);
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
        if (t.done) std::printf("  %-10s %s%s%s\n", "done", taskLabel(run, t).c_str(), t.detail.empty() ? "" : ": ", t.detail.c_str());
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
    const fs::path base = args.has("out") ? fs::absolute(args.value("out")) : fs::path(run.dir) / "dataset";
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
                         shellQuote(run.dir).c_str());
            return kBadInput;
        }
        if (parts.empty()) throw IoError(run.dir, "no synthesis task is complete; nothing to merge");
    }
    gan::MergeOptions options;
    options.overwrite = args.flag("overwrite");
    options.copy = args.flag("copy");
    options.layout = layout;
    options.info.set("run", run.dir);
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

int batchResubmit(const std::vector<std::string>& argv) {
    Args args(argv, {}, {"dry-run", "force"});
    if (args.positionals().size() != 1) throw UsageError("batch resubmit needs RUN_DIR");
    Run run = openRun(args.positionals()[0]);
    const bool dry = args.flag("dry-run");
    const PendingTasks pending = pendingTasks(run);
    if (pending.empty()) {
        std::printf("nothing to resubmit: every task of %s is done\n", run.dir.c_str());
        return kOk;
    }
    bool checked = false;
    const auto active = activeJobs(run, checked);
    if (!active.empty() && !args.flag("force")) {
        std::string ids;
        for (const auto& a : active) ids += (ids.empty() ? "" : ", ") + a;
        throw IoError(run.dir, "jobs of this run are still queued or running (" + ids +
                                            "); wait for them (squeue), cancel them (scancel), or pass --force to submit anyway");
    }
    if (!checked) std::fprintf(stderr, "note: squeue did not answer; cannot tell whether earlier jobs of this run are still queued\n");
    std::printf("resubmitting %zu %s not done:\n", pending.states.size(), pending.states.size() == 1 ? "task that is" : "tasks that are");
    printProblems(run, pending.states, stdout);
    printSubmissions(submitPending(run, pending, dry));
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
