# SPDX-License-Identifier: Apache-2.0
"""scikit-learn's estimator contract without depending on scikit-learn.

The rules followed are those of scikit-learn's developer guide, "Developing scikit-learn estimators"
(https://scikit-learn.org/stable/developers/develop.html): parameters are the keyword arguments of
__init__, stored as given under their own names and validated only by fit; get_params/set_params
read and write them (nested "step__param" names for parameters that are estimators); fitted state
ends in "_". Tags: __sklearn_tags__ (scikit-learn >= 1.6) and the older _more_tags dictionary
(scikit-learn < 1.6). scikit-learn is imported only inside __sklearn_tags__, which only
scikit-learn calls, and by not_fitted() when the caller has already imported it.
"""

from __future__ import annotations

import inspect
import sys
import warnings
from typing import Any, Dict

__all__ = ["Estimator", "NotFittedError", "not_fitted", "column_vector_warning"]


class NotFittedError(RuntimeError, ValueError, AttributeError):
    """A method that needs a fitted estimator was called before fit. A RuntimeError (perche's
    earlier error), and a ValueError and AttributeError like scikit-learn's NotFittedError; when
    scikit-learn is imported, the error raised is also a sklearn.exceptions.NotFittedError."""


_sk_not_fitted = None


def not_fitted(message: str) -> NotFittedError:
    """NotFittedError(message); also an instance of sklearn.exceptions.NotFittedError when the
    program has imported scikit-learn (a program that has not cannot be catching that type)."""
    global _sk_not_fitted
    sk = sys.modules.get("sklearn.exceptions")
    if sk is None:
        return NotFittedError(message)
    if _sk_not_fitted is None:
        _sk_not_fitted = type("NotFittedError", (NotFittedError, sk.NotFittedError), {"__module__": __name__})
    return _sk_not_fitted(message)


def column_vector_warning(what: str) -> None:
    """scikit-learn's DataConversionWarning for a column vector y where a 1-D y is expected (a
    UserWarning when scikit-learn is not imported)."""
    sk = sys.modules.get("sklearn.exceptions")
    category = sk.DataConversionWarning if sk is not None else UserWarning
    warnings.warn(f"A column-vector y was passed when a 1d array was expected ({what}: y is raveled)",
                  category, stacklevel=3)


class Estimator:
    """get_params, set_params and repr from the __init__ signature; scikit-learn tags."""

    _estimator_type: str | None = None  # scikit-learn < 1.6 reads it (is_classifier)

    @classmethod
    def _get_param_names(cls) -> list:
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values()
                      if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))

    def _get_param(self, name):
        return getattr(self, name)

    def get_params(self, deep: bool = True) -> dict:
        """The constructor's arguments, as given (or as set by set_params)."""
        out: Dict[str, Any] = {}
        for name in self._get_param_names():
            value = self._get_param(name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params):
        """Sets constructor arguments (nested ones as name__param); they take effect at the next
        fit. Raises ValueError naming an argument the constructor does not have."""
        valid = self._get_param_names()
        nested: dict = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise ValueError(f"{type(self).__name__}.set_params: invalid parameter {name!r} "
                                 f"(valid: {', '.join(valid)})")
            if sub:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub in nested.items():
            self._get_param(name).set_params(**sub)
        return self

    def __repr__(self) -> str:
        # Like scikit-learn's: the arguments that differ from the constructor's defaults.
        sig = inspect.signature(type(self).__init__)
        try:
            shown = []
            for name, p in sig.parameters.items():
                if name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                    continue
                value = self._get_param(name)
                if value is p.default or (isinstance(value, (str, int, float, tuple)) and
                                          type(value) is type(p.default) and value == p.default):
                    continue
                shown.append(f"{name}={value!r}")
        except AttributeError:  # an object built without __init__ (e.g. a failed unpickling)
            return f"{type(self).__name__}(<not constructed>)"
        return f"{type(self).__name__}({', '.join(shown)})"

    def __sklearn_is_fitted__(self) -> bool:
        return bool(getattr(self, "fitted"))  # each estimator's own property

    # Tags: subclasses set these class attributes and _sklearn_tags fills scikit-learn's dataclasses.
    _tag_input = "2darray"       # "2darray" (numbers, dense or sparse) or "string" (raw texts)
    _tag_multi_label = False
    _tag_requires_y = True

    def __sklearn_tags__(self):
        from sklearn.utils import (ClassifierTags, InputTags, Tags,  # type: ignore[import-untyped]  # no py.typed
                                   TargetTags, TransformerTags)

        text = self._tag_input == "string"
        kind = self._estimator_type
        return Tags(estimator_type=kind,
                    target_tags=TargetTags(required=self._tag_requires_y, multi_output=self._tag_multi_label,
                                           single_output=not self._tag_multi_label),
                    transformer_tags=TransformerTags() if hasattr(self, "transform") else None,
                    classifier_tags=ClassifierTags(multi_label=self._tag_multi_label) if kind == "classifier" else None,
                    input_tags=InputTags(two_d_array=not text, string=text, sparse=not text))

    def _more_tags(self) -> dict:
        return {"X_types": ["string"] if self._tag_input == "string" else ["2darray", "sparse"],
                "requires_y": self._tag_requires_y, "multilabel": self._tag_multi_label,
                "multioutput": self._tag_multi_label}
