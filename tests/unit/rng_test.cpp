// Philox4x32-10 known-answer vectors (Random123's kat_vectors) and stream layout.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "core/rng.hpp"

using klab::Block4;

TEST_CASE("Philox4x32-10 matches the Random123 known-answer vectors") {
  struct Kat {
    Block4 ctr;
    uint32_t k0, k1;
    Block4 expected;
  };
  const Kat kats[] = {
      {{{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
      {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}}, 0xffffffff, 0xffffffff, {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
      {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, 0xa4093822, 0x299f31d0, {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
  };
  for (const Kat& k : kats) {
    const Block4 out = klab::philox4x32_10(k.ctr, k.k0, k.k1);
    for (int i = 0; i < 4; ++i) CHECK(out.v[i] == k.expected.v[i]);
  }
}

TEST_CASE("Rng reads the block (block index, stream, run) under key seed") {
  klab::Rng rng(0x299f31d0a4093822ull, 0x03707344u, 0x13198a2eu, 0x85a308d3243f6a88ull);
  const uint32_t expected[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
  for (uint32_t e : expected) CHECK(rng.next_u32() == e);
}

TEST_CASE("Distinct (seed, run, stream) name distinct word streams") {
  // Each name differs from the first in exactly one field (both halves of the 64-bit seed count).
  struct Name {
    uint64_t seed;
    uint32_t run, stream;
  };
  const Name names[] = {{1, 0, 0}, {2, 0, 0}, {1ull << 32, 0, 0}, {(1ull << 32) | 1, 0, 0}, {1, 1, 0},
                        {1, 0, 1}, {1, 1, 1}, {0, 0, 0},          {1, 0xffffffffu, 0},       {1, 0, 0xffffffffu}};
  const size_t n = sizeof names / sizeof names[0];
  std::vector<std::vector<uint32_t>> words(n);
  for (size_t i = 0; i < n; ++i) {
    klab::Rng rng(names[i].seed, names[i].run, names[i].stream);
    for (int k = 0; k < 16; ++k) words[i].push_back(rng.next_u32());
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      int equal = 0;  // two independent 32-bit words coincide with probability 2^-32
      for (int k = 0; k < 16; ++k) equal += words[i][k] == words[j][k];
      CHECK(equal <= 1);
    }
  // The same name reproduces the same stream.
  klab::Rng again(names[4].seed, names[4].run, names[4].stream);
  for (int k = 0; k < 16; ++k) CHECK(again.next_u32() == words[4][k]);
}

TEST_CASE("Rng reads consecutive blocks: word 4b+i is word i of block b") {
  const uint64_t seed = 0x0123456789abcdefull;
  klab::Rng rng(seed, 5, 9, 1000);
  for (uint64_t block = 1000; block < 1004; ++block) {
    const Block4 expected = klab::philox4x32_10(
        {{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), 9u, 5u}}, 0x89abcdefu, 0x01234567u);
    for (int i = 0; i < 4; ++i) CHECK(rng.next_u32() == expected.v[i]);
    CHECK(rng.block_index() == block + 1);
  }
}

TEST_CASE("substream(seed, run, stream, n) is Rng(seed, run, stream, n << 32)") {
  const uint64_t seed = 0xfeedfacecafebeefull;
  for (uint32_t n : {0u, 1u, 2u, 77u, 0x80000000u, 0xffffffffu}) {
    CAPTURE(n);
    klab::Rng sub = klab::Rng::substream(seed, 3, 11, n);
    klab::Rng ref(seed, 3, 11, static_cast<uint64_t>(n) << 32);
    CHECK(sub.block_index() == static_cast<uint64_t>(n) << 32);
    for (int k = 0; k < 12; ++k) CHECK(sub.next_u32() == ref.next_u32());
  }
  // Neighbouring draws and neighbouring streams are different sub-streams.
  klab::Rng a = klab::Rng::substream(seed, 3, 11, 7), b = klab::Rng::substream(seed, 3, 11, 8);
  klab::Rng c = klab::Rng::substream(seed, 3, 12, 7);
  int ab = 0, ac = 0;
  for (int k = 0; k < 8; ++k) {
    const uint32_t x = a.next_u32();
    ab += x == b.next_u32();
    ac += x == c.next_u32();
  }
  CHECK(ab <= 1);
  CHECK(ac <= 1);
}

TEST_CASE("uniform() is in [0, 1) and uniform_open() = uniform() + 2^-54 is in (0, 1)") {
  // Both read the same 53 bits: uniform = b·2^-53, uniform_open = (b + ½)·2^-53, b ∈ [0, 2^53).
  CHECK(klab::bits_to_unit(0, 0) == 0.0);
  CHECK(klab::bits_to_unit(0xffffffffu, 0xffffffffu) == 1.0 - 0x1p-53);
  CHECK(klab::bits_to_unit(0x80000000u, 0) == 0.5);
  CHECK(klab::bits_to_unit(0, 0x800u) == 0x1p-53);  // the lowest kept bit (bit 11)
  CHECK(klab::bits_to_unit(0, 0x7ffu) == 0.0);      // the 11 dropped bits
  klab::Rng rng(42, 0, 0);
  double lo = 1.0, hi = 0.0;
  int outside = 0, mismatched = 0;
  for (int i = 0; i < 100000; ++i) {
    klab::Rng copy = rng;
    const double u = rng.uniform();
    const double o = copy.uniform_open();
    outside += !(u >= 0.0 && u < 1.0 && o > 0.0 && o < 1.0);
    mismatched += o != u + 0x1p-54;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  CHECK(outside == 0);
  CHECK(mismatched == 0);
  // 10^5 draws: the extremes lie within 1e-4 of the ends with probability 1 - 2e^-10.
  CHECK(lo < 1e-4);
  CHECK(hi > 1.0 - 1e-4);
}

namespace {
// Pearson's statistic Σ (O - E)² / E for equal expected counts.
double chi_square_uniform(const std::vector<uint64_t>& counts, double total) {
  const double expected = total / static_cast<double>(counts.size());
  double x2 = 0.0;
  for (uint64_t c : counts) x2 += (static_cast<double>(c) - expected) * (static_cast<double>(c) - expected) / expected;
  return x2;
}
}  // namespace

TEST_CASE("below(n) is uniform on [0, n): chi-square at significance 0.001") {
  // Critical values χ²_{0.999}(df) from scipy.stats.chi2.ppf(0.999, df): df 9 → 27.877, df 2 → 13.816.
  SUBCASE("n = 10, 10^5 draws, 9 degrees of freedom") {
    klab::Rng rng(7, 0, 0);
    std::vector<uint64_t> counts(11);  // counts[10]: out of range
    for (int i = 0; i < 100000; ++i) ++counts[std::min(rng.below(10), 10u)];
    REQUIRE(counts[10] == 0);
    counts.pop_back();
    CHECK(chi_square_uniform(counts, 100000) < 27.877);
  }
  SUBCASE("n = 3·2^30: rejection sampling removes the multiply-shift bias on v mod 3") {
    // Without rejection, x·n/2^32 with n/2^32 = 3/4 hits residue 0 twice as often as 1 or 2.
    const uint32_t n = 3u << 30;
    klab::Rng rng(7, 0, 1);
    std::vector<uint64_t> counts(3);
    int outside = 0;
    for (int i = 0; i < 60000; ++i) {
      const uint32_t v = rng.below(n);
      outside += v >= n;
      ++counts[v % 3];
    }
    CHECK(outside == 0);
    CHECK(chi_square_uniform(counts, 60000) < 13.816);
  }
  SUBCASE("n = 1 always gives 0") {
    klab::Rng rng(7, 0, 2);
    for (int i = 0; i < 100; ++i) CHECK(rng.below(1) == 0u);
  }
}

TEST_CASE("next_u64 is (first word << 32) | second word") {
  klab::Rng a(99, 1, 2), b(99, 1, 2);
  for (int i = 0; i < 10; ++i) {  // crosses block boundaries (4 words a block)
    const uint64_t hi = b.next_u32();
    const uint64_t lo = b.next_u32();
    CHECK(a.next_u64() == ((hi << 32) | lo));
  }
}
