@notifications
Feature: Notifications and their order
  The outcome of every operation arrives on /v2/me/interactions as an
  InteractionStateMessage: the interaction as the recipient sees it after
  the change, with notificationType StatusChange, PropertiesUpdated,
  ParticipantsUpdated or ChannelDataUpdated. Per session, messages arrive in
  the order the changes happened, once each.

  Background:
    Given alice is Ready on email and chat
    And bob and dave are NotReady on email
    And alice, bob, carol and dave are listening

  @B6.7
  Scenario: An agent's messages over a whole interaction arrive in order
    Given an email is routed to alice
    When alice accepts it
    And alice updates its properties with:
      """
      {"step": 1}
      """
    And alice changes its channel data with:
      """
      {"email_object": {"subject": "Re: Order 1042"}}
      """
    And alice updates its properties with:
      """
      {"step": 2}
      """
    And alice stops processing it
    Then alice receives on /v2/me/interactions:
      """
      {"notificationType": "StatusChange", "id": "{{it}}", "state": "Processing"}
      """
    And alice receives on /v2/me/interactions:
      """
      {"notificationType": "PropertiesUpdated", "id": "{{it}}", "state": "Processing", "userData": {"step": 1}}
      """
    And alice receives on /v2/me/interactions:
      """
      {"notificationType": "ChannelDataUpdated", "id": "{{it}}", "email_object": {"subject": "Re: Order 1042"}, "userData": {"step": 1}}
      """
    And alice receives on /v2/me/interactions:
      """
      {"notificationType": "PropertiesUpdated", "id": "{{it}}", "userData": {"step": 2}, "email_object": {"subject": "Re: Order 1042"}}
      """
    And alice receives on /v2/me/interactions:
      """
      {"notificationType": "StatusChange", "id": "{{it}}", "state": "Completed", "capabilities": []}
      """
    And no one else is notified

  Scenario: The Processing message carries the whole interaction as the owner sees it
    When an email is routed to dave
    Then dave's last notification has 1 participants
    When dave accepts it
    Then dave receives on /v2/me/interactions:
      """
      {
        "messageTypeName": "InteractionStateMessage",
        "notificationType": "StatusChange",
        "id": "{{it}}",
        "channel": "email",
        "interactionType": "Inbound",
        "interactionSubType": "InboundNew",
        "state": "Processing",
        "capabilities": ["{{contains}}", "StopProcessing", "PlaceInQueue", "UpdateProperties", "PlaceInWorkbin", "Transfer", "StartConference"],
        "currentQueue": "{{queues.email-inbound}}",
        "ownerId": "{{dave.id}}",
        "workbin": "{{absent}}",
        "leftAgentId": "{{absent}}",
        "participants": [{"userId": "{{dave.id}}", "userName": "{{dave.userName}}", "role": "Owner"}],
        "userData": {},
        "properties": "{{absent}}",
        "email_object": {"interactionId": "{{it}}", "subject": "Order 1042 arrived damaged", "from": "jane.doe@example.com", "to": "support@example.com", "body": "The box was crushed."},
        "receivedDate": "{{regex:^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}[+-][0-9]{4}$}}",
        "uri": "{{it.uri}}",
        "path": "/interactions/{{it}}"
      }
      """
    And no one else is notified

  @B6.7
  Scenario: Each party of a transfer hears its own part, in order
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice transfers it to bob
    And bob accepts it
    And bob transfers it to carol
    And carol rejects it
    Then alice is notified that it is Transferred
    And bob is notified that it is Invited
    And bob is notified that it is Processing
    And bob is notified that it is Transferred
    And carol is notified that it is Invited
    And carol is notified that she rejected it
    # bob and dave are NotReady on email and carol rejected it: alice is the one eligible agent
    And alice is notified that it is Invited
    And no one else is notified

  @B6.3
  Scenario: Channel and interaction messages travel on their own channels
    Given an email is routed to alice
    When alice becomes NotReady on chat
    And alice accepts it
    Then alice is notified that it is Processing
    And alice receives on /v2/me/channels:
      """
      {"messageTypeName": "ChannelStateMessage", "channel": "chat", "state": "NotReady"}
      """
    And no one else is notified

  @B4.17
  Scenario: A refused operation sends nothing
    Given an email is routed to alice
    When bob tries to accept it
    And alice tries to stop processing it
    And carol tries to update its properties with:
      """
      {"x": 1}
      """
    And dave tries to change its channel data with:
      """
      {"email_object": {"subject": "x"}}
      """
    Then nobody receives a notification within 500 ms
