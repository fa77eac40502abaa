# verilator --lint-only -Wall on the generated RTL of every shipped design (data/designs/*.yaml):
#   rtl.lint.<design>       the generated lint.sh, hierarchical (the top against port-exact shells of
#                           its modules, then each distinct module instance in full with the mesh's
#                           parameters); the 41 x 42 design takes ~80 s and ~0.5 GB this way;
#   rtl.lint_flat.<design>  the whole top elaborated at once, for the designs small enough: Verilator
#                           flattens, and an 8 x 8 corner of the 41 x 42 design (1,024 fp16 lanes per
#                           tile) took 24 GB.
# The published chips of data/designs/chips/ are not linted here: a single TPUv4i tile is a 128 x 128
# bf16 array (16,384 floating-point lanes), more than a CI machine's memory even one module at a time;
# Cerebras WSE-2's 922 x 922 mesh is beyond the 8-bit coordinates and is checked to fail cleanly in
# tests/cli/test_rtl_cli.cpp.
file(GLOB shipped ${CMAKE_SOURCE_DIR}/data/designs/*.yaml)
foreach(design IN LISTS shipped)
  get_filename_component(name ${design} NAME_WLE)
  add_test(NAME rtl.lint.${name}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/lint_design.sh $<TARGET_FILE:meshforge> ${design}
                   ${CMAKE_CURRENT_BINARY_DIR}/lint/${name} ${MESHFORGE_VERILATOR} hierarchical)
  set_tests_properties(rtl.lint.${name} PROPERTIES LABELS "rtl" TIMEOUT 1500)
  if(NOT name STREQUAL "llama-3.1-8b-41x42")
    add_test(NAME rtl.lint_flat.${name}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/lint_design.sh $<TARGET_FILE:meshforge> ${design}
                     ${CMAKE_CURRENT_BINARY_DIR}/lint_flat/${name} ${MESHFORGE_VERILATOR} flat)
    set_tests_properties(rtl.lint_flat.${name} PROPERTIES LABELS "rtl" TIMEOUT 1500)
  endif()
endforeach()
