// core/jobs: progress mapping and cancellation.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "jobs/Progress.h"

namespace {

class RecordingProgress : public ctsw::ProgressSink {
public:
    void report(double fraction, const std::string& message) override { calls.emplace_back(fraction, message); }
    std::vector<std::pair<double, std::string>> calls;
};

}  // namespace

TEST(Progress, SubProgressMapsOntoTheParentRange) {
    RecordingProgress parent;
    ctsw::SubProgress sub(parent, 0.25, 0.75);
    sub.report(0.0, "start");
    sub.report(0.5, "half");
    sub.report(1.0, "done");
    ASSERT_EQ(parent.calls.size(), 3u);
    EXPECT_DOUBLE_EQ(parent.calls[0].first, 0.25);
    EXPECT_DOUBLE_EQ(parent.calls[1].first, 0.5);
    EXPECT_DOUBLE_EQ(parent.calls[2].first, 0.75);
    EXPECT_EQ(parent.calls[1].second, "half");

    // Nested: [0.5, 1] of [0.25, 0.75] is [0.5, 0.75].
    ctsw::SubProgress nested(sub, 0.5, 1.0);
    nested.report(0.0, "n");
    nested.report(1.0, "n");
    EXPECT_DOUBLE_EQ(parent.calls[3].first, 0.5);
    EXPECT_DOUBLE_EQ(parent.calls[4].first, 0.75);
}

TEST(Progress, JobContextReportsOnlyWhenASinkIsSet) {
    ctsw::JobContext none;
    EXPECT_NO_THROW(none.report(0.5, "ignored"));
    EXPECT_NO_THROW(none.checkCancelled());

    RecordingProgress sink;
    ctsw::JobContext job;
    job.progress = &sink;
    job.report(0.3, "reading");
    ASSERT_EQ(sink.calls.size(), 1u);
    EXPECT_DOUBLE_EQ(sink.calls[0].first, 0.3);
    EXPECT_EQ(sink.calls[0].second, "reading");
}

TEST(Progress, CancelTokenThrowsCancelledOnceCancelled) {
    ctsw::CancelToken token;
    ctsw::JobContext job;
    job.cancel = &token;
    EXPECT_FALSE(token.isCancelled());
    EXPECT_NO_THROW(job.checkCancelled());
    token.cancel();
    EXPECT_TRUE(token.isCancelled());
    EXPECT_THROW(job.checkCancelled(), ctsw::Cancelled);
    try {
        token.throwIfCancelled();
        FAIL() << "no Cancelled";
    } catch (const ctsw::Cancelled& e) {
        EXPECT_STREQ(e.what(), "cancelled");
    }
}

// ------------------------------------------------------------------ JSON lines from a child process
#include "jobs/JsonLines.h"

TEST(JsonLineStream, CompleteLinesPartialLinesAndMalformedOnes) {
    ctsw::JsonLineStream s;
    auto a = s.feed("{\"type\":\"started\"}\n{\"type\":\"progr");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].at("type").asString(), "started");
    EXPECT_TRUE(s.hasPartialLine());
    auto b = s.feed("ess\",\"iteration\":3}\r\n\nnot json at all\n[1,2]\n{\"type\":\"finished\"}\n");
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].at("iteration").asInt(), 3);  // the line split across two chunks
    EXPECT_EQ(b[1].at("type").asString(), "finished");
    EXPECT_FALSE(s.hasPartialLine());
    auto errors = s.takeErrors();
    ASSERT_EQ(errors.size(), 2u);  // "not json at all" and an array, which is not an event object
    EXPECT_NE(errors[0].find("not json at all"), std::string::npos);
    EXPECT_TRUE(s.takeErrors().empty());
}

TEST(JsonLineStream, ALineWithoutEndIsDroppedAtItsLimitAndTheStreamGoesOn) {
    ctsw::JsonLineStream s;
    const std::string chunk(64 * 1024, 'x');
    std::size_t sent = 0;
    while (sent <= ctsw::JsonLineStream::kMaxLineBytes) {
        EXPECT_TRUE(s.feed(chunk).empty());
        sent += chunk.size();
    }
    EXPECT_FALSE(s.hasPartialLine());  // memory is given back, not grown with the line
    auto errors = s.takeErrors();
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("without a newline"), std::string::npos);
    // The rest of the runaway line, then a good event: the event arrives.
    auto events = s.feed("xxxx\n{\"type\": \"progress\"}\n");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].at("type").asString(), "progress");
}
