// The hierarchical lint plan written beside the RTL (lint.sh, lint/). Verilator flattens the design it
// lints, so a flat lint of a large mesh needs memory in proportion to every lane of every tile: an
// 8 x 8 corner of the 41 x 42 design (1,024 fp16 lanes per tile) took 24 GB. Linting one level at a
// time keeps the memory to that of the largest single module: the top against port-exact shells of
// the modules it instantiates, then each distinct instance in full with the parameters the top
// gives it.
#include <fmt/format.h>

#include <stdexcept>

#include "rtl/collateral.h"

namespace meshforge::rtl {
namespace {

// The text of `module NAME ... );` in a library file: its parameter and port declarations.
// Comments are skipped while matching parentheses (they may contain any character).
std::string module_header(const std::string& text, const std::string& name) {
  const auto begin = text.find("module " + name);
  if (begin == std::string::npos) throw std::logic_error("module library lacks " + name);
  int depth = 0;
  for (std::size_t k = begin; k < text.size(); ++k) {
    if (text.compare(k, 2, "//") == 0) {
      k = text.find('\n', k);
      if (k == std::string::npos) break;
    } else if (text.compare(k, 2, "/*") == 0) {
      k = text.find("*/", k);
      if (k == std::string::npos) break;
      ++k;
    } else if (text[k] == '(') {
      ++depth;
    } else if (text[k] == ')') {
      --depth;
    } else if (text[k] == ';' && depth == 0) {
      return text.substr(begin, k + 1 - begin);
    }
  }
  throw std::logic_error("module " + name + ": no end of its port list");
}

// Lint waivers inside a header would switch warnings back on in the shell, whose ports go unused.
std::string without_lint_on(std::string s) {
  for (auto k = s.find("/* verilator lint_on"); k != std::string::npos; k = s.find("/* verilator lint_on", k)) {
    const auto end = s.find("*/", k);
    s.erase(k, end == std::string::npos ? std::string::npos : end + 2 - k);
  }
  return s;
}

const std::string& library_text(const std::string& file) {
  for (const auto& m : module_library())
    if (m.path == file) return m.text;
  throw std::logic_error("module library lacks " + file);
}

}  // namespace

void add_lint_plan(const Inputs& in, std::vector<File>& files) {
  const arch::Design& d = in.design;
  const bool has_dram = d.dram.kind != "none" && d.dram.channels > 0;
  std::vector<std::string> shelled{"mf_router", "mf_tile"};
  if (has_dram) shelled.push_back("mf_dram_port");

  std::string shells = header_comment(in, "Port-exact shells for linting the mesh top (lint.sh)");
  shells += "// Each shell is the library module's parameter and port list with no body: the top's\n"
            "// connections are checked against the real declarations, the bodies by lint.sh's unit lints.\n"
            "/* verilator lint_off DECLFILENAME */\n/* verilator lint_off UNUSEDSIGNAL */\n"
            "/* verilator lint_off UNUSEDPARAM */\n/* verilator lint_off UNDRIVEN */\n\n";
  for (const auto& m : shelled) shells += without_lint_on(module_header(library_text(m + ".v"), m)) + "\nendmodule\n\n";
  files.push_back({"lint/shells.v", shells});

  const std::string top = top_module_name(d);
  files.push_back({"lint/top.f", "// lint.sh step 1: the mesh top against the shells\nlint/shells.v\nrtl/" + top + ".v\n"});
  std::string units = "// lint.sh step 2: the module library, each instance linted as its own top\n";
  for (const auto& m : module_library()) units += "rtl/" + m.path + "\n";
  files.push_back({"lint/units.f", units});

  const int vcs = d.noc.virtual_channels, link = d.noc.link_bits, depth = d.noc.buffer_depth_flits;
  std::string sh = "#!/usr/bin/env bash\n";
  sh += fmt::format(
      "# Hierarchical lint of {top} (design {name}; meshforge {version}).\n"
      "# Verilator flattens what it lints, so the flat lint\n"
      "#   verilator --lint-only -Wall -f filelist.f --top-module {top}\n"
      "# needs memory for every lane of every tile (an 8 x 8 mesh of 1,024-lane fp16 tiles: 24 GB).\n"
      "# This script makes the same -Wall checks one level at a time, in the memory of the largest module:\n"
      "#   1. the mesh top against port-exact shells of the modules it instantiates (lint/shells.v);\n"
      "#   2. each distinct instance in full, as its own top, with the parameters the mesh gives it.\n"
      "# Any warning fails. VERILATOR=... overrides the binary.\n"
      "set -euo pipefail\ncd \"$(dirname \"$0\")\"\nV=${{VERILATOR:-verilator}}\n"
      "lint() {{ echo \"lint: $*\"; \"$V\" --lint-only -Wall \"$@\"; }}\n\n"
      "lint -f lint/top.f --top-module {top}\n"
      "lint -f lint/units.f --top-module mf_router -GLINK_BITS={link} -GVCS={vcs} -GDEPTH={depth} -GROUTING={routing}\n",
      fmt::arg("top", top), fmt::arg("name", d.name), fmt::arg("version", in.provenance.meshforge_version),
      fmt::arg("link", link), fmt::arg("vcs", vcs), fmt::arg("depth", depth),
      fmt::arg("routing", static_cast<int>(d.noc.routing)));
  for (std::size_t c = 0; c < d.tile_classes.size(); ++c) {
    const TileParameters p = tile_parameters(in, c);
    sh += fmt::format(
        "lint -f lint/units.f --top-module mf_tile -GVLEN={} -GROWS={} -GFORMATS=\"6'b{:06b}\" -GINT_STAGES={} -GFP_STAGES={} -GFETCH_WIDTH={} "
        "-GIMEM_WORDS={} -GWMEM_WORDS={} -GAMEM_WORDS={} -GWEIGHT_ROM={} -GIMEM_INIT='\"{}\"' -GWMEM_INIT='\"{}\"' "
        "-GLINK_BITS={} -GVCS={} -GDEPTH={}  # tile class {} \"{}\"\n",
        p.vlen, p.rows, p.formats, p.int_stages, p.fp_stages, p.fetch_width, p.imem_words, p.wmem_words, p.amem_words, p.weight_rom,
        p.imem_init, p.wmem_init, link, vcs, depth, c, d.tile_classes[c].name);
  }
  if (has_dram)
    sh += fmt::format("lint -f lint/units.f --top-module mf_dram_port -GLINK_BITS={} -GVCS={} -GDEPTH={}\n", link, vcs, depth);
  sh += "echo \"lint clean: " + top + "\"\n";
  files.push_back({"lint.sh", sh});
}

}  // namespace meshforge::rtl
