// A small thread pool for the native kernels, built for a machine that other work shares.
#pragma once

#include <cstdint>
#include <functional>

namespace forge {

// Runs task(0..count-1), on the calling thread and on up to threads-1 pool workers. Work is handed out
// one index at a time from an atomic counter, so a worker the OS has not scheduled takes nothing: the
// caller does the rest itself and waits only for indices a worker has already started. (OpenMP's
// static split waited for the absent worker's half: a `paper` training step took 3x longer with a
// second job on the two cores.)
void ParallelFor(int64_t count, int threads, const std::function<void(int64_t)>& task);

}  // namespace forge
