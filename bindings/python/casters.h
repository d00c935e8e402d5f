// pybind11 type casters for the value types strata's API passes by value:
//   strata::Json (nlohmann::ordered_json) <-> dict / list / str / int / float /
//       bool / None, keys kept in order (Python dicts are ordered);
//   absl::Time <-> datetime.datetime (aware, UTC; a naive datetime is UTC);
//   absl::Duration <-> datetime.timedelta.
// Conversion is by value: a dict handed to Python is a copy of the object.

#ifndef STRATA_BINDINGS_PYTHON_CASTERS_H_
#define STRATA_BINDINGS_PYTHON_CASTERS_H_

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "strata/json.h"

namespace pybind11::detail {

template <>
struct type_caster<strata::Json> {
  PYBIND11_TYPE_CASTER(strata::Json, const_name("JSON"));

  bool load(handle src, bool /*convert*/) {
    try {
      value = ToJson(src);
      return true;
    } catch (const type_error&) {
      return false;
    }
  }

  static handle cast(const strata::Json& j, return_value_policy /*policy*/,
                     handle /*parent*/) {
    return FromJson(j).release();
  }

 private:
  static strata::Json ToJson(handle obj) {
    if (obj.is_none()) return nullptr;
    if (PyBool_Check(obj.ptr())) return obj.cast<bool>();
    if (PyLong_Check(obj.ptr())) {
      int overflow = 0;
      long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
      if (overflow == 0) return static_cast<int64_t>(v);
      if (overflow > 0) {
        unsigned long long u = PyLong_AsUnsignedLongLong(obj.ptr());
        if (!PyErr_Occurred()) return static_cast<uint64_t>(u);
        PyErr_Clear();
      }
      throw type_error("integer out of range for JSON");
    }
    if (PyFloat_Check(obj.ptr())) return obj.cast<double>();
    if (PyUnicode_Check(obj.ptr())) return obj.cast<std::string>();
    if (PyDict_Check(obj.ptr())) {
      strata::Json out = strata::Json::object();
      for (auto item : reinterpret_borrow<dict>(obj)) {
        if (!PyUnicode_Check(item.first.ptr())) throw type_error("JSON keys must be str");
        out[item.first.cast<std::string>()] = ToJson(item.second);
      }
      return out;
    }
    if (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr())) {
      strata::Json out = strata::Json::array();
      for (handle item : reinterpret_borrow<sequence>(obj)) out.push_back(ToJson(item));
      return out;
    }
    // Other mappings (e.g. a kubernetes client's dict subclass was caught
    // above; this catches Mapping types such as MappingProxy).
    if (isinstance(obj, module_::import("collections.abc").attr("Mapping"))) {
      return ToJson(dict(reinterpret_borrow<object>(obj)));
    }
    throw type_error(std::string("not convertible to JSON: ") + Py_TYPE(obj.ptr())->tp_name);
  }

  static object FromJson(const strata::Json& j) {
    switch (j.type()) {
      case strata::Json::value_t::null:
        return pybind11::none();
      case strata::Json::value_t::boolean:
        return pybind11::bool_(j.get<bool>());
      case strata::Json::value_t::number_integer:
        return pybind11::int_(j.get<int64_t>());
      case strata::Json::value_t::number_unsigned:
        return pybind11::int_(j.get<uint64_t>());
      case strata::Json::value_t::number_float:
        return pybind11::float_(j.get<double>());
      case strata::Json::value_t::string:
        return pybind11::str(j.get_ref<const std::string&>());
      case strata::Json::value_t::array: {
        pybind11::list out(j.size());
        size_t i = 0;
        for (const strata::Json& item : j) out[i++] = FromJson(item);
        return out;
      }
      case strata::Json::value_t::object: {
        pybind11::dict out;
        for (const auto& [key, item] : j.items()) out[pybind11::str(key)] = FromJson(item);
        return out;
      }
      case strata::Json::value_t::binary: {
        const auto& bin = j.get_binary();
        return pybind11::bytes(reinterpret_cast<const char*>(bin.data()), bin.size());
      }
      case strata::Json::value_t::discarded:
        break;
    }
    return pybind11::none();
  }
};

// absl::Time <-> datetime.datetime. Microsecond precision (datetime's).
template <>
struct type_caster<absl::Time> {
  PYBIND11_TYPE_CASTER(absl::Time, const_name("datetime.datetime"));

  bool load(handle src, bool /*convert*/) {
    module_ datetime = module_::import("datetime");
    if (!isinstance(src, datetime.attr("datetime"))) return false;
    object utc = datetime.attr("timezone").attr("utc");
    object dt = reinterpret_borrow<object>(src);
    if (dt.attr("tzinfo").is_none()) dt = dt.attr("replace")(arg("tzinfo") = utc);
    object epoch = datetime.attr("datetime")(1970, 1, 1, arg("tzinfo") = utc);
    object delta = dt - epoch;
    value = absl::UnixEpoch() + absl::Hours(24) * delta.attr("days").cast<int64_t>() +
            absl::Seconds(delta.attr("seconds").cast<int64_t>()) +
            absl::Microseconds(delta.attr("microseconds").cast<int64_t>());
    return true;
  }

  static handle cast(absl::Time t, return_value_policy /*policy*/, handle /*parent*/) {
    module_ datetime = module_::import("datetime");
    object utc = datetime.attr("timezone").attr("utc");
    object epoch = datetime.attr("datetime")(1970, 1, 1, arg("tzinfo") = utc);
    int64_t micros = absl::ToInt64Microseconds(t - absl::UnixEpoch());
    object delta = datetime.attr("timedelta")(arg("microseconds") = micros);
    return (epoch + delta).release();
  }
};

// absl::Duration <-> datetime.timedelta (also accepts int/float seconds).
template <>
struct type_caster<absl::Duration> {
  PYBIND11_TYPE_CASTER(absl::Duration, const_name("datetime.timedelta"));

  bool load(handle src, bool convert) {
    module_ datetime = module_::import("datetime");
    if (isinstance(src, datetime.attr("timedelta"))) {
      value = absl::Hours(24) * src.attr("days").cast<int64_t>() +
              absl::Seconds(src.attr("seconds").cast<int64_t>()) +
              absl::Microseconds(src.attr("microseconds").cast<int64_t>());
      return true;
    }
    if (convert && !PyBool_Check(src.ptr()) &&
        (PyLong_Check(src.ptr()) || PyFloat_Check(src.ptr()))) {
      value = absl::Seconds(src.cast<double>());
      return true;
    }
    return false;
  }

  static handle cast(absl::Duration d, return_value_policy /*policy*/, handle /*parent*/) {
    module_ datetime = module_::import("datetime");
    return datetime.attr("timedelta")(arg("microseconds") = absl::ToInt64Microseconds(d))
        .release();
  }
};

}  // namespace pybind11::detail

#endif  // STRATA_BINDINGS_PYTHON_CASTERS_H_
