// Counter-based random numbers: Philox4x32-10.
//
// Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011.
// A Philox block maps a 128-bit counter and a 64-bit key to 128 random bits through 10 rounds of
//   (L0, R0, L1, R1) -> (hi(M1*R1) ^ L0' ..., see philox_round)
// with multipliers M0 = 0xD2511F53, M1 = 0xCD9E8D57 and key increments (Weyl constants)
// W0 = 0x9E3779B9, W1 = 0xBB67AE85. Because a block depends only on (counter, key), any draw
// can be recomputed anywhere (CPU thread, wasm, CUDA thread) without shared state.
//
// Layout used throughout KL Lab:
//   key     = (seed low 32 bits, seed high 32 bits)
//   counter = (block low 32, block high 32, stream, run)
// so a stream of randomness is named by (seed, run, stream) and indexed by a 64-bit block number.
// Common random numbers: a draw that must be the same for every compared algorithm (say the
// reward of the n-th pull of arm a in run r) uses Rng::substream(seed, r, stream_of(a), n), a
// private sub-stream of 2^32 blocks starting at block n * 2^32.
#pragma once
#include <cstdint>

#include "core/portable.hpp"

namespace klab {

struct Block4 {
  uint32_t v[4];
};

KLAB_INLINE void mul_hi_lo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t product = static_cast<uint64_t>(a) * static_cast<uint64_t>(b);
  hi = static_cast<uint32_t>(product >> 32);
  lo = static_cast<uint32_t>(product);
}

// One Philox4x32 round: two 32x32->64 multiplications, the high halves xored with the other
// words and the round key, the words permuted.
KLAB_INLINE Block4 philox_round(Block4 c, uint32_t k0, uint32_t k1) {
  uint32_t hi0, lo0, hi1, lo1;
  mul_hi_lo(0xD2511F53u, c.v[0], hi0, lo0);
  mul_hi_lo(0xCD9E8D57u, c.v[2], hi1, lo1);
  return Block4{{hi1 ^ c.v[1] ^ k0, lo1, hi0 ^ c.v[3] ^ k1, lo0}};
}

// Philox4x32-10: ten rounds, the key bumped by the Weyl constants between rounds.
KLAB_INLINE Block4 philox4x32_10(Block4 counter, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    counter = philox_round(counter, k0, k1);
  }
  return counter;
}

// 53 random bits -> a double in [0, 1) with spacing 2^-53.
KLAB_INLINE double bits_to_unit(uint32_t hi, uint32_t lo) {
  const uint64_t bits = ((static_cast<uint64_t>(hi) << 32) | lo) >> 11;
  return static_cast<double>(bits) * (1.0 / 9007199254740992.0);
}

// A stream of random numbers named by (seed, run, stream), read sequentially from a block index.
// Cheap to construct (a few registers); copying it forks an identical stream.
class Rng {
 public:
  KLAB_HD Rng(uint64_t seed, uint32_t run, uint32_t stream, uint64_t first_block = 0)
      : k0_(static_cast<uint32_t>(seed)),
        k1_(static_cast<uint32_t>(seed >> 32)),
        run_(run),
        stream_(stream),
        block_(first_block) {}

  // The sub-stream reserved for draw `index` of `stream`: 2^32 blocks of its own, so the draw
  // may consume any number of words without touching draw index + 1 (common random numbers).
  KLAB_HD static Rng substream(uint64_t seed, uint32_t run, uint32_t stream, uint32_t index) {
    return Rng(seed, run, stream, static_cast<uint64_t>(index) << 32);
  }

  KLAB_HD uint32_t next_u32() {
    if (used_ == 4) refill();
    return buffer_.v[used_++];
  }

  KLAB_HD uint64_t next_u64() {
    const uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
  }

  // Uniform on [0, 1), 53 bits.
  KLAB_HD double uniform() {
    const uint32_t hi = next_u32();
    return bits_to_unit(hi, next_u32());
  }

  // Uniform on (0, 1): never 0, safe for log().
  KLAB_HD double uniform_open() {
    const uint64_t hi = next_u32();
    const uint64_t bits = ((hi << 32) | next_u32()) >> 11;
    return (static_cast<double>(bits) + 0.5) * (1.0 / 9007199254740992.0);
  }

  // Uniform integer in [0, n) by Lemire's multiply-shift with rejection (exactly uniform).
  KLAB_HD uint32_t below(uint32_t n) {
    uint64_t m = static_cast<uint64_t>(next_u32()) * n;
    uint32_t low = static_cast<uint32_t>(m);
    if (low < n) {
      const uint32_t threshold = (0u - n) % n;
      while (low < threshold) {
        m = static_cast<uint64_t>(next_u32()) * n;
        low = static_cast<uint32_t>(m);
      }
    }
    return static_cast<uint32_t>(m >> 32);
  }

  KLAB_HD uint64_t block_index() const { return block_; }

 private:
  KLAB_HD void refill() {
    const Block4 counter{{static_cast<uint32_t>(block_), static_cast<uint32_t>(block_ >> 32), stream_, run_}};
    buffer_ = philox4x32_10(counter, k0_, k1_);
    ++block_;
    used_ = 0;
  }

  uint32_t k0_, k1_, run_, stream_;
  uint64_t block_;
  Block4 buffer_{{0, 0, 0, 0}};
  int used_ = 4;
};

}  // namespace klab
