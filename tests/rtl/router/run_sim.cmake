# Compile one Icarus Verilog testbench and run it; fails unless the simulation printed PASS and
# no FAIL / ERROR line. Invoked by tests/rtl/router.cmake as
#   cmake -DIVERILOG=.. -DVVP=.. -DTOP=tb -DOUT=file.vvp -DSOURCES=a.v,b.v
#         [-DPARAMS=NAME=VALUE,..] [-DPLUSARGS=+a=1,..] -P run_sim.cmake
string(REPLACE "," ";" src_list "${SOURCES}")
set(param_args "")
if(PARAMS)
  string(REPLACE "," ";" param_list "${PARAMS}")
  foreach(p IN LISTS param_list)
    list(APPEND param_args "-P${TOP}.${p}")
  endforeach()
endif()
set(plus_args "")
if(PLUSARGS)
  string(REPLACE "," ";" plus_args "${PLUSARGS}")
endif()
execute_process(COMMAND ${IVERILOG} -g2005 -Wall -Wno-timescale -o ${OUT} -s ${TOP} ${param_args} ${src_list}
                RESULT_VARIABLE rc OUTPUT_VARIABLE cout ERROR_VARIABLE cerr)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "iverilog failed (${rc}):\n${cout}${cerr}")
endif()
execute_process(COMMAND ${VVP} -n ${OUT} ${plus_args}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vvp exited with ${rc}")
endif()
if(out MATCHES "FAIL" OR out MATCHES "ERROR" OR err MATCHES "ERROR")
  message(FATAL_ERROR "simulation reported a failure")
endif()
if(NOT out MATCHES "PASS")
  message(FATAL_ERROR "simulation did not report PASS")
endif()
