# SPDX-License-Identifier: Apache-2.0
# Usage: cmake -DBUILD_DIR=… -DSOURCE_DIR=… -DWORK_DIR=… -DGENERATOR=… -DBINDIR=bin -DDATADIR=share -P run.cmake
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "package consumer: '${ARGV}' failed with ${rc}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
# Eigen3 disabled: a package config that still asked for it would fail here.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_DISABLE_FIND_PACKAGE_Eigen3=ON)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
# The default model and codebook from the prefix: through PERCHE_DATA_DIR from the build tree, and
# with no override from a program installed in the prefix's bin/ (found relative to the binary,
# though the library was configured for another prefix).
set(data ${prefix}/${DATADIR}/perche)
run(${CMAKE_COMMAND} -E env PERCHE_DATA_DIR=${data} ${WORK_DIR}/build/consumer ${data})
file(COPY ${WORK_DIR}/build/consumer DESTINATION ${prefix}/${BINDIR})
run(${CMAKE_COMMAND} -E env --unset=PERCHE_DATA_DIR ${prefix}/${BINDIR}/consumer ${data})
run(${WORK_DIR}/build/consumer_metrics)
# examples/survey.cpp from the install prefix: the sample installed in share/perche, the default
# model found there, the JSON document (schema 4) on stdout.
execute_process(COMMAND ${CMAKE_COMMAND} -E env PERCHE_DATA_DIR=${data} ${WORK_DIR}/build/survey_example
                RESULT_VARIABLE rc OUTPUT_VARIABLE json)
if(NOT rc EQUAL 0 OR NOT json MATCHES "\"schema\": 4" OR NOT json MATCHES "\"kind\": \"default\"")
  message(FATAL_ERROR "package consumer: survey_example failed (${rc}) or printed no schema-4 analysis")
endif()
