// The table of demos: every demo's id, chapter, texts, papers and experiment factory.
// Chapters add their entries with register_demos(Registry&) (see src/app/catalog.cpp); the
// CLI, the GUI and the tests all read this one table.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/experiment.hpp"

namespace klab {

struct ChapterInfo {
  std::string id;     // "kl"
  std::string title;  // "Divergences"
  std::string blurb;  // one line
};

struct DemoInfo {
  std::string id;       // "<chapter>.<name>", the CLI's `klab run <id>`
  std::string chapter;  // ChapterInfo::id
  std::string title;    // sidebar entry
  std::string summary;  // one line: `klab list`, sidebar tooltip
  std::string about;    // what it does, the key equations, what to look for (UI text, --help)
  std::vector<std::string> papers;  // "Authors, Title, Venue Year"
  uint32_t default_runs = 100;      // runs shown in the browser by default
  std::function<std::unique_ptr<Experiment>()> make;
};

class Registry {
 public:
  void add_chapter(ChapterInfo chapter) { chapters_.push_back(std::move(chapter)); }
  void add(DemoInfo demo) { demos_.push_back(std::move(demo)); }
  const std::vector<ChapterInfo>& chapters() const { return chapters_; }
  const std::vector<DemoInfo>& demos() const { return demos_; }
  const DemoInfo* find(const std::string& id) const {
    for (const DemoInfo& d : demos_)
      if (d.id == id) return &d;
    return nullptr;
  }

 private:
  std::vector<ChapterInfo> chapters_;
  std::vector<DemoInfo> demos_;
};

}  // namespace klab
