#pragma once
// A stage's training state on disk (internal to core/gan): generator, discriminator and both
// optimizers, written and read as one unit, so that a kill at any instant (SIGKILL, power cut, full
// disk) leaves either the previous checkpoint or the new one, never a mix of the two.
//
// Layout, under MODEL/checkpoint/:
//   genN/            g.pt d.pt opt_g.pt opt_d.pt, written in .genN.partial/ and renamed when complete
//   state.json       the commit point: scale, stage, iteration, folder, each file's size and hash
//   previous.json    the checkpoint before it, kept as a fallback when the newest one is damaged
#include <torch/torch.h>

#include <functional>
#include <optional>
#include <string>

namespace ctsw::gan {

struct CheckpointModules {
    torch::nn::Module& generator;
    torch::nn::Module& discriminator;
    torch::optim::Optimizer& generatorOptimizer;
    torch::optim::Optimizer& discriminatorOptimizer;
};

class CheckpointFolder {
public:
    explicit CheckpointFolder(std::string folder) : folder_(std::move(folder)) {}

    // Throws std::runtime_error naming the file that could not be written; the previous checkpoint
    // then stays the current one.
    void save(int scale, int stage, int iteration, const CheckpointModules& modules);
    // Loads the newest good checkpoint of (scale, stage) and returns its iteration; nullopt when there
    // is none for that stage. A damaged checkpoint is reported through `warn` (naming the file) and the
    // earlier one is used; when none is good, std::runtime_error names the damage and what to do.
    std::optional<int> load(int scale, int stage, const CheckpointModules& modules, const std::function<void(const std::string&)>& warn);
    bool exists() const;
    const std::string& folder() const { return folder_; }

private:
    std::string folder_;
};

// Fault injection for the product's own crash tests: when the environment variable
// CTSW_FAULT_KILL_AT is "NAME:N", the process kills itself with SIGKILL at the N-th time it passes the
// point NAME ("checkpoint-files", "checkpoint-commit", "stage-saved"). Unset, it costs one branch.
void faultPoint(const char* name);

}  // namespace ctsw::gan
