#pragma once
// Command-line arguments: positionals, --flag and --option VALUE. Unknown options are errors.
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctsw::cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // valueOptions take a value; flags do not. Both are given without the leading "--".
    Args(const std::vector<std::string>& argv, const std::set<std::string>& valueOptions, const std::set<std::string>& flags) {
        for (std::size_t i = 0; i < argv.size(); ++i) {
            const std::string& a = argv[i];
            if (a.rfind("--", 0) == 0 && a.size() > 2) {
                std::string name = a.substr(2), value;
                auto eq = name.find('=');
                bool inlineValue = eq != std::string::npos;
                if (inlineValue) { value = name.substr(eq + 1); name = name.substr(0, eq); }
                if (flags.count(name) && !inlineValue) { flags_.insert(name); continue; }
                if (!valueOptions.count(name)) throw UsageError("unknown option --" + name);
                if (!inlineValue) {
                    if (i + 1 >= argv.size()) throw UsageError("option --" + name + " needs a value");
                    value = argv[++i];
                }
                values_[name] = value;
                all_[name].push_back(value);
            } else {
                positionals_.push_back(a);
            }
        }
    }
    bool flag(const std::string& name) const { return flags_.count(name) > 0; }
    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::string value(const std::string& name, const std::string& fallback = {}) const {
        auto it = values_.find(name);
        return it == values_.end() ? fallback : it->second;
    }
    // The value of an option that takes one of `choices`, the first when absent; any other is a
    // UsageError that lists them ("--precision must be auto, fp32 or bf16").
    std::string oneOf(const std::string& name, const std::vector<std::string>& choices) const {
        const std::string v = value(name, choices.front());
        for (const auto& c : choices)
            if (c == v) return v;
        std::string list;
        for (std::size_t i = 0; i < choices.size(); ++i) list += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
        throw UsageError("--" + name + " must be " + list);
    }
    int intValue(const std::string& name, int fallback) const {
        if (!has(name)) return fallback;
        try {
            std::size_t used = 0;
            int v = std::stoi(value(name), &used);
            if (used != value(name).size()) throw std::invalid_argument("trailing");
            return v;
        } catch (const std::exception&) {
            throw UsageError("--" + name + " expects an integer, got \"" + value(name) + "\"");
        }
    }
    // Every value of an option given more than once, in order (value() has the last).
    std::vector<std::string> values(const std::string& name) const {
        auto it = all_.find(name);
        return it == all_.end() ? std::vector<std::string>() : it->second;
    }
    const std::vector<std::string>& positionals() const { return positionals_; }

private:
    std::set<std::string> flags_;
    std::map<std::string, std::string> values_;
    std::map<std::string, std::vector<std::string>> all_;
    std::vector<std::string> positionals_;
};

}  // namespace ctsw::cli
