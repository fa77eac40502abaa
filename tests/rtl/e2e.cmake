# End to end: a generated 2 x 2 mesh runs an int8 MLP layer split across tiles (tests/rtl/e2e/).
add_executable(test_rtl_e2e ${CMAKE_CURRENT_SOURCE_DIR}/e2e/test_e2e_mlp.cpp)
target_link_libraries(test_rtl_e2e PRIVATE meshforge_rtl meshforge_warnings GTest::gtest_main)
target_compile_definitions(test_rtl_e2e PRIVATE
  MESHFORGE_TEST_DATA_DIR="${MESHFORGE_DATA_DIR}"
  MESHFORGE_E2E_DIR="${CMAKE_CURRENT_SOURCE_DIR}/e2e"
  MESHFORGE_IVERILOG="${MESHFORGE_IVERILOG}"
  MESHFORGE_VVP="${MESHFORGE_VVP}"
  MESHFORGE_RISCV_GCC="${MESHFORGE_RISCV_GCC}"
  MESHFORGE_RISCV_OBJCOPY="${MESHFORGE_RISCV_OBJCOPY}")
add_test(NAME rtl.e2e.mlp_2x2 COMMAND test_rtl_e2e --gtest_filter=EndToEnd.TwoByTwo*)
add_test(NAME rtl.e2e.weights_over_noc COMMAND test_rtl_e2e --gtest_filter=EndToEnd.WeightsSentOverTheNoc*)
set_tests_properties(rtl.e2e.mlp_2x2 rtl.e2e.weights_over_noc PROPERTIES LABELS "rtl" TIMEOUT 600)

# Programs derived from the mapping (meshforge rtl --model): a 3-layer int8 MLP on a 3 x 3 mesh, one
# inference simulated and compared with the C++ reference; with two tile groups; with flits wider than
# AMEM words; an all-to-all exchange (128 x 128 x 128 on 3 x 3); a changed weight
# detected; an op the programs do not run and a WMEM too small refused (one line, nothing written).
foreach(case one_group two_groups wide_links all_to_all detects_a_wrong_weight refuses)
  add_test(NAME rtl.e2e.mapped_${case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/mapped_mlp.sh $<TARGET_FILE:meshforge>
                   ${CMAKE_CURRENT_BINARY_DIR}/mapped/${case} ${case})
  set_tests_properties(rtl.e2e.mapped_${case} PROPERTIES LABELS "rtl" TIMEOUT 600
                       ENVIRONMENT "MESHFORGE_DATA_DIR=${MESHFORGE_DATA_DIR}")
endforeach()
