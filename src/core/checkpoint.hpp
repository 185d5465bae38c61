// The checkpoint of an interrupted `klab run` or `klab sweep` (issue 14): for each point of the
// job (one for a run), the merged statistics of its first `blocks` complete blocks (BlockPrefix,
// core/batch.hpp), saved bit for bit, so that a resumed job ends with exactly the bytes an
// uninterrupted job writes.
//
// The text is JSON:
//   {"format": "klab-checkpoint-1",
//    "identity": {...},                 what the job computes: demo, params, runs, seed (and a sweep's grid)
//    "points": [{"blocks": b, "seconds": s, "slots": "<48 hex digits per statistic>"}, ...],
//    "checksum": "<FNV-1a 64 of the identity and points as written>"}
// Each statistic is its count, mean and M2 (RunningStat::State) as three 16-digit hex words: the
// doubles' bit patterns, exact on every platform. The identity is compared field by field on
// resume, so a checkpoint of another configuration is refused by name; a damaged file fails its
// checksum or its strict reading. Neither is ever removed or overwritten by a refused resume.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/status.hpp"

namespace klab {

struct Checkpoint {
  nlohmann::json identity;
  std::vector<BlockPrefix> points;
};

std::string checkpoint_text(const Checkpoint& checkpoint);
// The identity of the job a checkpoint belongs to (format and checksum checked, points unread): compare
// it first, since another job's points may have another layout.
Expected<nlohmann::json> checkpoint_identity(const std::string& text);
// Reads a checkpoint of a job with these point layouts; errors say what is wrong with the file.
Expected<Checkpoint> parse_checkpoint(const std::string& text, const std::vector<RunLayout>& layouts);
// Empty when the two identities are equal; otherwise the first difference, named:
// "runs is 2000 in the checkpoint, 1000 here".
std::string identity_difference(const nlohmann::json& saved, const nlohmann::json& here);

}  // namespace klab
