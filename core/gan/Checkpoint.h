#pragma once
// A training state on disk (internal to the core): modules and optimizers written and read as one
// unit, so that a kill at any instant (SIGKILL, power cut, full disk) leaves either the previous
// checkpoint or the new one, never a mix of the two. CoSinGAN keeps a stage's generator,
// discriminator and both optimizers; the evaluation networks their network and optimizer (scale and
// stage 0, the iteration counting epochs).
//
// Layout, under MODEL/checkpoint/:
//   genN/            one file per part (CoSinGAN: g.pt d.pt opt_g.pt opt_d.pt), written in
//                    .genN.partial/ and renamed when complete
//   state.json       the commit point: scale, stage, iteration, folder, each file's size and hash, and
//                    the caller's own progress record
//   previous.json    the checkpoint before it, kept as a fallback when the newest one is damaged
#include <torch/torch.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "json/Json.h"

namespace ctsw::gan {

// One file of a checkpoint: a module's weights or an optimizer's state (exactly one of the two set).
struct CheckpointPart {
    std::string file;
    torch::nn::Module* module = nullptr;
    torch::optim::Optimizer* optimizer = nullptr;
};
using CheckpointModules = std::vector<CheckpointPart>;
// A CoSinGAN stage's four parts.
CheckpointModules ganCheckpointParts(torch::nn::Module& generator, torch::nn::Module& discriminator, torch::optim::Optimizer& generatorOptimizer,
                                     torch::optim::Optimizer& discriminatorOptimizer);

class CheckpointFolder {
public:
    explicit CheckpointFolder(std::string folder) : folder_(std::move(folder)) {}

    // Throws std::runtime_error naming the file that could not be written; the previous checkpoint
    // then stays the current one.
    // `progress` (any JSON) is stored with the state and handed back by load.
    void save(int scale, int stage, int iteration, const CheckpointModules& modules, const Json& progress = Json());
    // Loads the newest good checkpoint of (scale, stage) and returns its iteration; nullopt when there
    // is none for that stage. A damaged checkpoint is reported through `warn` (naming the file) and the
    // earlier one is used; when none is good, std::runtime_error names the damage and what to do.
    // `progress`, when given, receives the loaded checkpoint's progress record.
    std::optional<int> load(int scale, int stage, const CheckpointModules& modules, const std::function<void(const std::string&)>& warn,
                            Json* progress = nullptr);
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
