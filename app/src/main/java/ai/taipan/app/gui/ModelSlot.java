package ai.taipan.app.gui;

import ai.taipan.app.model.LoadedModel;
import ai.taipan.app.model.ModelCard;

/** A loaded model and its card (computed off the UI thread when it was loaded). */
public record ModelSlot(LoadedModel model, ModelCard card) {
    public static ModelSlot of(LoadedModel m) { return new ModelSlot(m, m.card()); }
}
