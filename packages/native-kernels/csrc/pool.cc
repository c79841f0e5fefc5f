#include "pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace forge {
namespace {

struct Job {
  const std::function<void(int64_t)>* task;
  int64_t count;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> completed{0};
};

class Pool {
 public:
  // Workers are detached and the pool is never destroyed: no thread may outlive a mutex it waits on
  // when the process exits.
  void EnsureWorkers(int wanted) {
    std::lock_guard<std::mutex> lock(mutex_);
    while (static_cast<int>(workers_) < wanted) {
      std::thread([this] { WorkerLoop(); }).detach();
      workers_++;
    }
  }

  void Run(int64_t count, int threads, const std::function<void(int64_t)>& task) {
    auto job = std::make_shared<Job>();
    job->task = &task;
    job->count = count;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      current_ = job;
      helpersWanted_ = threads - 1;
      generation_.fetch_add(1);
    }
    wake_.notify_all();
    Drain(*job);
    // Only indices a worker has already taken are outstanding; each is being computed right now.
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return job->completed.load() == job->count; });
    current_.reset();
  }

 private:
  void Drain(Job& job) {
    for (;;) {
      const int64_t index = job.next.fetch_add(1);
      if (index >= job.count) return;
      (*job.task)(index);
      if (job.completed.fetch_add(1) + 1 == job.count) {
        std::lock_guard<std::mutex> lock(mutex_);
        done_.notify_all();
      }
    }
  }

  // Kernels arrive in quick succession (a decode step is ~70 products), so a worker spins briefly for
  // the next job before it sleeps: waking a sleeping thread costs more than a small product. Short,
  // so that on a busy machine a spinning worker gives its core back soon.
  void SpinForNextJob(uint64_t seen) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicros);
    while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }

  void WorkerLoop() {
    uint64_t seen = 0;
    for (;;) {
      SpinForNextJob(seen);
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load() != seen && helpersWanted_ > 0; });
        seen = generation_.load();
        helpersWanted_--;
        job = current_;
      }
      // A job that already finished has no index left: Drain returns at once and never calls its task.
      if (job) Drain(*job);
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::shared_ptr<Job> current_;
  static constexpr int kSpinMicros = 50;
  std::atomic<uint64_t> generation_{0};
  int helpersWanted_ = 0;
  unsigned workers_ = 0;
};

Pool& ThePool() {
  static Pool* pool = new Pool();
  return *pool;
}

}  // namespace

void ParallelFor(int64_t count, int threads, const std::function<void(int64_t)>& task) {
  if (threads <= 1 || count <= 1) {
    for (int64_t i = 0; i < count; i++) task(i);
    return;
  }
  ThePool().EnsureWorkers(threads - 1);
  ThePool().Run(count, threads, task);
}

}  // namespace forge
