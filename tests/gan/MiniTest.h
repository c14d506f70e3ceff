#pragma once
// A minimal test harness for the engine's tests. Why not GoogleTest: the engine-only build must build
// and run its tests on a GPU server that has nothing but a compiler, CMake and LibTorch.
//   test_gan            runs every case
//   test_gan NAME...    runs the named cases (ctest registers one test per case)
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace minitest {

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct Skip : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline std::map<std::string, std::function<void()>>& registry() {
    static std::map<std::string, std::function<void()>> r;
    return r;
}

struct Registrar {
    Registrar(const char* name, std::function<void()> fn) { registry()[name] = std::move(fn); }
};

inline int runAll(int argc, char** argv) {
    int failed = 0, ran = 0, skipped = 0;
    auto runOne = [&](const std::string& name, const std::function<void()>& fn) {
        ++ran;
        try {
            fn();
            std::printf("[ PASS ] %s\n", name.c_str());
        } catch (const Skip& s) {
            ++skipped;
            std::printf("[ SKIP ] %s: %s\n", name.c_str(), s.what());
        } catch (const std::exception& e) {
            ++failed;
            std::printf("[ FAIL ] %s: %s\n", name.c_str(), e.what());
        }
    };
    if (argc > 1) {
        for (int i = 1; i < argc; ++i) {
            auto it = registry().find(argv[i]);
            if (it == registry().end()) { std::printf("[ FAIL ] no test named %s\n", argv[i]); ++failed; continue; }
            runOne(it->first, it->second);
        }
    } else {
        for (const auto& [name, fn] : registry()) runOne(name, fn);
    }
    std::printf("%d run, %d failed\n", ran, failed);
    // 77 when everything asked for was skipped, so that ctest reports it skipped, not passed.
    if (failed == 0 && ran > 0 && skipped == ran) return 77;
    return failed == 0 ? 0 : 1;
}

}  // namespace minitest

#define MT_CONCAT2(a, b) a##b
#define MT_CONCAT(a, b) MT_CONCAT2(a, b)
#define TEST_CASE(name)                                                                   \
    static void MT_CONCAT(test_fn_, name)();                                              \
    static minitest::Registrar MT_CONCAT(test_reg_, name)(#name, MT_CONCAT(test_fn_, name)); \
    static void MT_CONCAT(test_fn_, name)()
#define REQUIRE(cond)                                                                                           \
    do {                                                                                                      \
        if (!(cond)) {                                                                                        \
            std::ostringstream mt_os;                                                                         \
            mt_os << __FILE__ << ":" << __LINE__ << ": REQUIRE(" #cond ") failed";                               \
            throw minitest::Failure(mt_os.str());                                                             \
        }                                                                                                     \
    } while (0)
#define REQUIRE_MSG(cond, msg)                                                                                  \
    do {                                                                                                      \
        if (!(cond)) {                                                                                        \
            std::ostringstream mt_os;                                                                         \
            mt_os << __FILE__ << ":" << __LINE__ << ": REQUIRE(" #cond ") failed: " << msg;                     \
            throw minitest::Failure(mt_os.str());                                                             \
        }                                                                                                     \
    } while (0)
#define REQUIRE_NEAR(a, b, tol) REQUIRE_MSG(std::abs((a) - (b)) <= (tol), (a) << " vs " << (b))
#define REQUIRE_THROWS_WITH(expr, text)                                                                         \
    do {                                                                                                      \
        bool mt_threw = false;                                                                                \
        try {                                                                                                 \
            expr;                                                                                             \
        } catch (const std::exception& mt_e) {                                                                \
            mt_threw = true;                                                                                  \
            REQUIRE_MSG(std::string(mt_e.what()).find(text) != std::string::npos, "message: " << mt_e.what());  \
        }                                                                                                     \
        REQUIRE_MSG(mt_threw, "expected an exception mentioning " << text);                                     \
    } while (0)
#define SKIP(msg) throw minitest::Skip(msg)
