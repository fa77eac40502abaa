# verilator --lint-only -Wall on the generated top of every shipped design the generator can
# express (data/designs/*.yaml and data/designs/chips/*.yaml; Cerebras WSE-2's 922 x 922 mesh is
# beyond the 8-bit coordinates and is checked to fail cleanly in tests/cli/test_rtl_cli.cpp).
file(GLOB shipped ${CMAKE_SOURCE_DIR}/data/designs/*.yaml ${CMAKE_SOURCE_DIR}/data/designs/chips/*.yaml)
foreach(design IN LISTS shipped)
  get_filename_component(name ${design} NAME_WE)
  if(name STREQUAL "cerebras-wse2")
    continue()
  endif()
  add_test(NAME rtl.lint.${name}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/lint_design.sh $<TARGET_FILE:meshforge> ${design}
                   ${CMAKE_CURRENT_BINARY_DIR}/lint/${name} ${MESHFORGE_VERILATOR})
  set_tests_properties(rtl.lint.${name} PROPERTIES LABELS "rtl")
  if(name STREQUAL "llama-3.1-8b-41x42")
    set_tests_properties(rtl.lint.${name} PROPERTIES TIMEOUT 1200)
  endif()
endforeach()
