# verilator --lint-only -Wall on the generated top of the shipped designs (data/designs/*.yaml) but
# the 41 x 42 one: Verilator's memory grows ~7 MB per router instance (a 16 x 16 mesh of its NoC:
# 1.8 GB, 86 s), so its 1,722 tiles need ~12 GB and were killed for memory on the shared 24 GB
# machine; linting it is `bash tests/rtl/lint_design.sh build/meshforge
# data/designs/llama-3.1-8b-41x42.yaml OUT verilator` on a machine with the memory (docs/rtl.md). The published chips of data/designs/chips/ are not linted here: their
# arrays (TPUv4i's 4 x 128 x 128 bf16 MXUs, Wormhole's and Blackhole's Tensix grids) elaborate into
# tens of thousands of floating-point lanes, which takes Verilator minutes and more memory than a
# CI machine has; Cerebras WSE-2's 922 x 922 mesh is beyond the 8-bit coordinates and is checked to
# fail cleanly in tests/cli/test_rtl_cli.cpp.
file(GLOB shipped ${CMAKE_SOURCE_DIR}/data/designs/*.yaml)
foreach(design IN LISTS shipped)
  get_filename_component(name ${design} NAME_WLE)
  if(name STREQUAL "llama-3.1-8b-41x42")
    continue()
  endif()
  add_test(NAME rtl.lint.${name}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/lint_design.sh $<TARGET_FILE:meshforge> ${design}
                   ${CMAKE_CURRENT_BINARY_DIR}/lint/${name} ${MESHFORGE_VERILATOR})
  set_tests_properties(rtl.lint.${name} PROPERTIES LABELS "rtl" TIMEOUT 1500)
endforeach()
