// Helpers shared by the Google Benchmark programs in bench/: physical
// references timed in the same run, so every figure can be read as a ratio
// (bench/README.md).

#ifndef STRATA_BENCH_BENCH_UTIL_H_
#define STRATA_BENCH_BENCH_UTIL_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

namespace strata::bench {

// CPU seconds of the calling thread: on a shared machine, other processes
// stretch wall time but not this.
inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Seconds per call of `fn` on `clock`: the best of 5 rounds of at least
// 20 ms each (the best round is the one least disturbed).
inline double SecondsPerCall(const std::function<void()>& fn,
                             double (*clock)() = ThreadCpuSeconds) {
  double best = 1e30;
  for (int round = 0; round < 5; ++round) {
    size_t calls = 0;
    double start = clock();
    double elapsed = 0;
    do {
      fn();
      ++calls;
      elapsed = clock() - start;
    } while (elapsed < 0.02);
    best = std::min(best, elapsed / static_cast<double>(calls));
  }
  return best;
}

inline double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// CPU seconds of copying `bytes` bytes with memcpy (the physical floor of
// writing that much output), into a buffer already faulted in.
inline double MemcpySeconds(size_t bytes) {
  std::string src(bytes, 'x');
  std::string dst(bytes, '\0');
  return SecondsPerCall([&] {
    std::memcpy(dst.data(), src.data(), bytes);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  });
}

// Times the benchmark loop on `clock` too (thread CPU by default), so a
// counter can relate it to a reference measured with SecondsPerCall.
class LoopTimer {
 public:
  explicit LoopTimer(double (*clock)() = ThreadCpuSeconds) : clock_(clock), start_(clock()) {}
  double SecondsPer(benchmark::IterationCount iterations) const {
    double s = clock_() - start_;
    return iterations > 0 ? s / static_cast<double>(iterations) : 0;
  }

 private:
  double (*clock_)();
  double start_;
};

// A parallel_for over std::thread, as the CLI passes to Compile: indexes
// handed out in order to `threads` threads (the caller's included).
inline void ParallelFor(size_t n, const std::function<void(size_t)>& body, size_t threads) {
  threads = std::min(threads, n);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto run = [&] {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) body(i);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (std::thread& t : pool) t.join();
}

}  // namespace strata::bench

#endif  // STRATA_BENCH_BENCH_UTIL_H_
