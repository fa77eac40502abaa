// The hand-written, parameterised Verilog modules of src/rtl/verilog/, embedded in the binary.
#pragma once

#include <string>
#include <vector>

namespace meshforge::rtl {

struct File {
  std::string path;  // relative to the output directory (library modules: the bare file name)
  std::string text;
};

// Every module file (mf_*.v), sorted by name.
const std::vector<File>& module_library();

}  // namespace meshforge::rtl
