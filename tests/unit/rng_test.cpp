// Philox4x32-10 known-answer vectors (Random123's kat_vectors) and stream layout.
#include <doctest/doctest.h>

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
