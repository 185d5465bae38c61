#include "app/interrupt.hpp"

#include <csignal>

namespace klab {
namespace {

std::atomic<bool> g_interrupted{false};  // lock-free: safe to store from a signal handler
volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_old_term, g_old_int;

extern "C" void on_signal(int signo) {
  g_signal = signo;
  g_interrupted.store(true);
  std::signal(signo, SIG_DFL);  // a second signal ends the process
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted.store(false);
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, &g_old_term);
  sigaction(SIGINT, &sa, &g_old_int);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGINT, &g_old_int, nullptr);
}

const std::atomic<bool>& InterruptGuard::flag() const { return g_interrupted; }
int InterruptGuard::signal_number() const { return g_signal; }

}  // namespace klab
