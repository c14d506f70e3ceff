#pragma once
#include <string>
#include <vector>

namespace ctsw::cli {

// Exit codes shared by every command.
enum ExitCode { kOk = 0, kBadInput = 1, kInternalError = 2 };

int runBatch(const std::vector<std::string>& args);  // BatchCommand.cpp: SLURM job arrays
int runInfo(const std::vector<std::string>& args);
int runConvert(const std::vector<std::string>& args);
int runLungMask(const std::vector<std::string>& args);
int runLesions(const std::vector<std::string>& args);
int runTrain(const std::vector<std::string>& args);
int runSynthesize(const std::vector<std::string>& args);
int runDevice(const std::vector<std::string>& args);
int runSegTrain(const std::vector<std::string>& args);
int runSegEval(const std::vector<std::string>& args);
int runExperiment(const std::vector<std::string>& args);
int runQuality(const std::vector<std::string>& args);  // QualityCommand.cpp

}  // namespace ctsw::cli
