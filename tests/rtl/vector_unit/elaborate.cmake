# cmake -DTOOL=verilator|iverilog|yosys -DEXE=<tool> -DPOINTS="VLEN:ROWS:FORMATS;..." -DFILES="a.v;b.v"
#       [-DWORK=<dir>] -P elaborate.cmake
# Elaborates mf_vector_unit at every point with the tool and fails on an error or (verilator) any
# warning of --lint-only -Wall. With TOOL=verilator every module of FILES is also linted as the
# top on its own with its default parameters.
cmake_minimum_required(VERSION 3.16)
set(fails 0)
macro(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(TOOL STREQUAL "yosys")
    string(REGEX MATCHALL "[^\n]*(ERROR|Warning)[^\n]*" bad "${out}${err}")
  else()
    set(bad "${err}")
  endif()
  if(NOT rc EQUAL 0 OR NOT "${bad}" STREQUAL "")
    message("FAIL ${TOOL} ${what}: rc ${rc}\n${bad}\n${out}")
    math(EXPR fails "${fails} + 1")
  else()
    message("ok   ${TOOL} ${what}")
  endif()
endmacro()

if(TOOL STREQUAL "verilator")
  foreach(f ${FILES})
    get_filename_component(m ${f} NAME_WE)
    run("${m} (default parameters)" ${EXE} --lint-only -Wall --top-module ${m} ${FILES})
  endforeach()
endif()

foreach(p ${POINTS})
  string(REPLACE ":" ";" v "${p}")
  list(GET v 0 vlen)
  list(GET v 1 rows)
  list(GET v 2 fmts)
  set(what "VLEN=${vlen} ROWS=${rows} FORMATS=${fmts}")
  if(TOOL STREQUAL "verilator")
    run("${what}" ${EXE} --lint-only -Wall --top-module mf_vector_unit
        -GVLEN=${vlen} -GROWS=${rows} -GFORMATS=${fmts} ${FILES})
  elseif(TOOL STREQUAL "iverilog")
    file(MAKE_DIRECTORY ${WORK})
    run("${what}" ${EXE} -g2005 -Wall -o ${WORK}/elab.vvp -s mf_vector_unit
        -Pmf_vector_unit.VLEN=${vlen} -Pmf_vector_unit.ROWS=${rows}
        -Pmf_vector_unit.FORMATS=${fmts} ${FILES})
  elseif(TOOL STREQUAL "yosys")
    string(REPLACE ";" " " files "${FILES}")
    file(MAKE_DIRECTORY ${WORK})
    file(WRITE ${WORK}/elab.ys "read_verilog ${files}\nchparam -set VLEN ${vlen} -set ROWS ${rows} -set FORMATS ${fmts} mf_vector_unit\nhierarchy -check -top mf_vector_unit\n")
    run("${what}" ${EXE} -s ${WORK}/elab.ys)
  endif()
endforeach()
if(fails GREATER 0)
  message(FATAL_ERROR "${fails} elaboration(s) failed")
endif()
